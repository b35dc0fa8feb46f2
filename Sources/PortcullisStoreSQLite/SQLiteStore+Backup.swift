import Foundation
import GRDB
import PortcullisStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished backup holds, read back from the copy after its integrity check passed.
public struct SQLiteBackupReport: Sendable, Equatable {
    /// The backup file.
    public let path: String
    /// The last migration recorded in the copy, e.g. `"v2_audit_events"`; `nil` when the copy has
    /// no migration table (it was not a Portcullis database).
    public let schemaVersion: String?
    /// Rows per table in the copy, by table name (SQLite's internal tables excluded).
    public let rowCounts: [String: Int]
    /// Size of the backup file in bytes.
    public let bytes: Int64
}

/// Why a backup was not written. No partial file is ever left at the target path.
public enum SQLiteBackupError: Error, CustomStringConvertible, Equatable, Sendable {
    /// There is no database file to back up.
    case sourceMissing(path: String)
    /// The source cannot be opened or read; `reason` says why.
    case cannotReadSource(path: String, reason: String)
    /// The target exists and overwriting was not asked for.
    case targetExists(path: String)
    /// The target names the database being backed up (or one of its WAL files).
    case targetIsSource(path: String)
    /// The target file (or its temporary file) cannot be written.
    case cannotWriteTarget(path: String, reason: String)
    /// The copy failed SQLite's integrity check; the messages are SQLite's.
    case integrityCheckFailed(path: String, messages: [String])

    public var description: String {
        switch self {
        case .sourceMissing(let path):
            "no database at \(path)"
        case .cannotReadSource(let path, let reason):
            "cannot read SQLite database at \(path): \(reason)"
        case .targetExists(let path):
            "\(path) already exists; choose a new file or pass --force to replace it"
        case .targetIsSource(let path):
            "\(path) is the database itself; write the backup to another file"
        case .cannotWriteTarget(let path, let reason):
            "cannot write backup \(path): \(reason)"
        case .integrityCheckFailed(let path, let messages):
            "the copy written for \(path) failed the integrity check: " + messages.prefix(5).joined(separator: "; ")
        }
    }
}

extension SQLiteStore {
    /// Writes a consistent copy of this store's database to `target` while the store keeps serving.
    ///
    /// The copy is taken with SQLite's online backup API inside one read transaction, so in WAL mode
    /// it is a snapshot of a single commit and writers are never blocked. It blocks the calling
    /// thread for the duration of the copy.
    public func backup(to target: String, overwrite: Bool = false) throws(SQLiteBackupError) -> SQLiteBackupReport {
        try SQLiteBackup.copy(from: writer, sourcePath: path, to: target, overwrite: overwrite)
    }

    /// Writes a consistent copy of the database file at `source` to `target`, while a server may be
    /// using it. The source is opened read-only and never migrated: a backup must not change the
    /// database it protects, whichever Portcullis version wrote it.
    public static func backup(
        databaseAt source: String, to target: String, overwrite: Bool = false, busyTimeout: Duration = .seconds(5)
    ) throws(SQLiteBackupError) -> SQLiteBackupReport {
        guard FileManager.default.fileExists(atPath: source) else {
            throw .sourceMissing(path: source)
        }
        let reader: DatabaseQueue
        do {
            var configuration = Configuration()
            configuration.label = "portcullis-backup-source"
            configuration.readonly = true
            configuration.busyMode = .timeout(Double(busyTimeout.components.seconds)
                + Double(busyTimeout.components.attoseconds) / 1e18)
            reader = try DatabaseQueue(path: source, configuration: configuration)
            // Opening is lazy; reading the schema proves the file is a database.
            try reader.read { try $0.execute(sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw .cannotReadSource(path: source, reason: SQLiteFileLocation.explainOpenFailure(error, path: source))
        }
        defer { try? reader.close() }
        return try SQLiteBackup.copy(from: reader, sourcePath: source, to: target, overwrite: overwrite)
    }
}

/// The copy itself: back up into a private temporary file beside the target, check it, then move it
/// into place, so the target path only ever holds a complete, verified backup.
enum SQLiteBackup {
    static func copy(
        from reader: any DatabaseReader, sourcePath: String?, to target: String, overwrite: Bool
    ) throws(SQLiteBackupError) -> SQLiteBackupReport {
        guard !target.isEmpty else {
            throw .cannotWriteTarget(path: target, reason: "the path is empty")
        }
        if let sourcePath, isSameDatabase(target, as: sourcePath) {
            throw .targetIsSource(path: target)
        }
        if !overwrite, FileManager.default.fileExists(atPath: target) {
            throw .targetExists(path: target)
        }
        do {
            try SQLiteFileLocation.createParentDirectories(of: target)
        } catch {
            throw .cannotWriteTarget(path: target, reason: error.description)
        }

        let temporary = temporaryPath(for: target)
        // Created empty, owner-only, before SQLite opens it: the copy holds the same key material
        // and credentials as the database, and SQLite would otherwise create it world-readable.
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .cannotWriteTarget(path: target, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
        var keepTemporary = false
        defer {
            if !keepTemporary { removeDatabaseFiles(at: temporary) }
        }

        let report: SQLiteBackupReport
        do {
            let destination = try DatabaseQueue(path: temporary)
            do {
                try reader.backup(to: destination)
                // The copy inherits WAL mode from its source; a rollback journal makes the backup one
                // self-contained file. The server switches it back to WAL when it opens a restored copy.
                try destination.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = DELETE")
                }
                report = try verify(destination, reportingAs: target)
            } catch {
                try? destination.close()
                throw error
            }
            try destination.close()
        } catch let error as SQLiteBackupError {
            throw error
        } catch {
            throw .cannotWriteTarget(path: target, reason: SQLiteErrorText.describe(error))
        }

        try moveIntoPlace(temporary, target: target, overwrite: overwrite)
        keepTemporary = true
        let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? NSNumber)?.int64Value ?? 0
        return SQLiteBackupReport(path: target, schemaVersion: report.schemaVersion, rowCounts: report.rowCounts,
                                  bytes: bytes)
    }

    /// Runs `PRAGMA integrity_check` on the copy and counts its rows.
    private static func verify(_ copy: DatabaseQueue, reportingAs target: String) throws -> SQLiteBackupReport {
        try copy.read { db in
            let messages = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard messages == ["ok"] else {
                throw SQLiteBackupError.integrityCheckFailed(path: target, messages: messages)
            }
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                """)
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
            }
            var schemaVersion: String?
            if tables.contains("grdb_migrations") {
                schemaVersion = try String.fetchOne(
                    db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1")
            }
            return SQLiteBackupReport(path: target, schemaVersion: schemaVersion, rowCounts: counts, bytes: 0)
        }
    }

    /// Renames the verified copy to `target`. Without `overwrite`, `link` refuses an existing
    /// target atomically, so a file created after the first check is not replaced either.
    private static func moveIntoPlace(_ temporary: String, target: String, overwrite: Bool) throws(SQLiteBackupError) {
        if overwrite {
            guard rename(temporary, target) == 0 else {
                throw .cannotWriteTarget(path: target, reason: String(cString: strerror(errno)))
            }
            return
        }
        guard link(temporary, target) == 0 else {
            let code = errno
            removeDatabaseFiles(at: temporary)
            if code == EEXIST { throw .targetExists(path: target) }
            throw .cannotWriteTarget(path: target, reason: String(cString: strerror(code)))
        }
        unlink(temporary)
    }

    private static func temporaryPath(for target: String) -> String {
        let url = URL(fileURLWithPath: target)
        let name = ".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    private static func removeDatabaseFiles(at path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            unlink(path + suffix)
        }
    }

    /// Whether `target` is the database at `source` or one of its companion files, by path and, when
    /// both exist, by inode (so a symlink or a second spelling of the path is caught too).
    private static func isSameDatabase(_ target: String, as source: String) -> Bool {
        let resolvedTarget = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().path
        let resolvedSource = URL(fileURLWithPath: source).standardizedFileURL.resolvingSymlinksInPath().path
        for suffix in ["", "-wal", "-shm", "-journal"] where resolvedTarget == resolvedSource + suffix {
            return true
        }
        var targetStat = stat()
        var sourceStat = stat()
        guard stat(target, &targetStat) == 0, stat(source, &sourceStat) == 0 else {
            return false
        }
        return targetStat.st_dev == sourceStat.st_dev && targetStat.st_ino == sourceStat.st_ino
    }
}
