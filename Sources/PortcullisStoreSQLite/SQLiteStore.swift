import Foundation
import GRDB
import PortcullisStore

/// The embedded default store: one SQLite file in WAL mode, accessed through a GRDB pool.
///
/// WAL lets readers (token checks, JWKS) run while one writer commits. Writes are serialised: within
/// the process by GRDB's writer queue, across processes (a second replica, a backup) by SQLite's
/// lock, which a writer waits for up to the busy timeout. No lock of ours is held around I/O.
public final class SQLiteStore: PortcullisStorage, Sendable {
    /// The database file, or `nil` for an in-memory store.
    public let path: String?
    /// The last migration applied to the database, e.g. `"v2_audit_events"`.
    public let schemaVersion: String

    let writer: any DatabaseWriter
    let faults: SQLiteFaultInjection?
    public let outboxSignal = OutboxSignal()

    private init(writer: any DatabaseWriter, path: String?, faults: SQLiteFaultInjection? = nil) throws(StoreError) {
        try SQLiteMigrations.migrate(writer)
        do {
            try writer.write { db in try Self.analyze(db) }
        } catch {
            throw SQLiteErrorText.storeError(error, during: "refresh statistics")
        }
        self.writer = writer
        self.path = path
        self.faults = faults
        self.schemaVersion = try SQLiteMigrations.appliedMigrations(writer).last ?? SQLiteMigrations.latest
    }

    /// Opens (creating if needed) the database at `path` and migrates it to the newest schema.
    ///
    /// Missing parent directories are created. The file is opened in WAL mode with foreign keys
    /// on; a write that finds the database locked by another process waits up to `busyTimeout`
    /// before failing with ``StoreError/unavailable(_:)``.
    ///
    /// - Throws: ``StoreError/cannotOpen(driver:location:reason:)`` when the file cannot be created or is not
    ///   a usable SQLite database; ``StoreError/databaseNewerThanProgram(knownMigrations:found:)``
    ///   or ``StoreError/migrationFailed(_:)`` from migrating.
    public static func open(path: String, busyTimeout: Duration = .seconds(5)) throws(StoreError) -> SQLiteStore {
        guard !path.isEmpty else {
            throw .cannotOpen(driver: .sqlite, location: path, reason: "the path is empty")
        }
        try SQLiteFileLocation.createParentDirectories(of: path)
        let pool = try openPool(path: path, busyTimeout: busyTimeout)
        return try SQLiteStore(writer: pool, path: path)
    }

    /// ``open(path:busyTimeout:)`` with a fault injected inside write transactions, for the tests
    /// that kill the process between a change and its events.
    @_spi(Testing)
    public static func open(path: String, faults: SQLiteFaultInjection) throws(StoreError) -> SQLiteStore {
        try SQLiteFileLocation.createParentDirectories(of: path)
        return try SQLiteStore(writer: openPool(path: path, busyTimeout: .seconds(5)), path: path, faults: faults)
    }

    /// Opens the connection pool, retrying while another process holds the file's lock.
    ///
    /// Switching a new file to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once
    /// (without the busy handler, to avoid a deadlock) when replicas start together on a fresh
    /// file. So the retry is ours, bounded by the same busy timeout. It sleeps the calling thread:
    /// this runs once, at start-up, before any request is served.
    private static func openPool(path: String, busyTimeout: Duration) throws(StoreError) -> DatabasePool {
        let deadline = ContinuousClock.now + busyTimeout
        var pause = Duration.milliseconds(5)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration(busyTimeout: busyTimeout))
                // Opening is lazy in places; reading the schema proves the file really is a database.
                try pool.read { try $0.execute(sql: "SELECT count(*) FROM sqlite_master") }
                return pool
            } catch where SQLiteErrorText.isLockContention(error) && ContinuousClock.now + pause < deadline {
                Thread.sleep(forTimeInterval: seconds(pause))
                pause = min(pause * 2, .milliseconds(200))
            } catch {
                throw .cannotOpen(driver: .sqlite, location: path, reason: SQLiteFileLocation.explainOpenFailure(error, path: path))
            }
        }
    }

    /// A fresh, empty, migrated store that lives in memory and vanishes with the value.
    ///
    /// For tests of other modules that need a store but not a file. It has no WAL (a single
    /// connection serves reads and writes), so use ``open(path:busyTimeout:)`` to test concurrency.
    public static func inMemory() throws(StoreError) -> SQLiteStore {
        do {
            let queue = try DatabaseQueue(configuration: configuration(busyTimeout: .zero))
            return try SQLiteStore(writer: queue, path: nil)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotOpen(driver: .sqlite, location: ":memory:", reason: SQLiteErrorText.describe(error))
        }
    }

    private static func configuration(busyTimeout: Duration) -> Configuration {
        var configuration = Configuration()
        configuration.label = "portcullis"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(max(seconds(busyTimeout), 0))
        // In WAL mode, synchronous=NORMAL cannot corrupt the database; a power cut may lose the last
        // commits (a login's session row, a failure count), which a user repeats, in exchange for
        // not waiting on an fsync per write on the login path. The SQLite documentation recommends it
        // for WAL.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            db.add(function: SQLiteUserQuery.foldFunction)
        }
        return configuration
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
