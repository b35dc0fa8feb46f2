import GRDB
import PortcullisStore

extension SQLiteStore: StoreHealth {
    public func refreshStatistics() async throws {
        try await write("refresh statistics") { db in try Self.analyze(db) }
    }

    /// ANALYZE on a bounded sample: without statistics, SQLite prefers the index that serves an
    /// ORDER BY (users by creation) over a far more selective one (users by email), and a search
    /// for one address reads every user of the tenant.
    static func analyze(_ db: Database) throws {
        try db.execute(sql: "PRAGMA analysis_limit = 1000")
        try db.execute(sql: "ANALYZE")
    }

    public func ping() async throws {
        // Reading the schema table touches the file, unlike `SELECT 1`, so a deleted or
        // unreadable database fails the probe.
        try await read("ping") { db in
            try db.execute(sql: "SELECT count(*) FROM sqlite_master")
        }
    }
}

/// The SQLite settings in force on a connection, for start-up logs and tests.
public struct SQLiteConnectionSettings: Sendable, Equatable {
    /// `"wal"` for file databases, `"memory"` for in-memory ones.
    public var journalMode: String
    /// How long a connection waits for a lock held by another connection.
    public var busyTimeoutMilliseconds: Int
    /// Whether SQLite enforces foreign keys.
    public var foreignKeysEnabled: Bool
}

extension SQLiteStore {
    /// Reads the settings of the writer connection, the one that waits for other processes' locks.
    ///
    /// GRDB gives pool readers their own fixed 10 s busy timeout: in WAL mode readers only wait in
    /// rare cases such as crash recovery, so `busyTimeout` is a setting for writes.
    public func connectionSettings() async throws -> SQLiteConnectionSettings {
        do {
            return try await writer.writeWithoutTransaction { db in
                SQLiteConnectionSettings(
                    journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "unknown",
                    busyTimeoutMilliseconds: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0,
                    foreignKeysEnabled: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false
                )
            }
        } catch {
            throw SQLiteErrorText.storeError(error, during: "read connection settings")
        }
    }
}
