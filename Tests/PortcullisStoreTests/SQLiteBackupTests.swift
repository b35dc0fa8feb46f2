import Foundation
import GRDB
import PortcullisStore
import PortcullisStoreSQLite
import Testing

@Suite("SQLite backup")
struct SQLiteBackupTests {
    /// Appends events numbered 0, 1, 2… for `writer` until cancelled; returns how many committed.
    private static func appendUntilCancelled(_ store: SQLiteStore, writer: String) async -> Int {
        var committed = 0
        while !Task.isCancelled {
            do {
                try await store.append(AuditEvent(tenantID: "acme", type: "load.\(writer)",
                                                  details: ["seq": String(committed)]))
                committed += 1
            } catch {
                break
            }
        }
        return committed
    }

    /// Runs `body` on a fresh connection to the file at `path`, synchronously (GRDB's async overloads
    /// would be chosen inside the async tests otherwise).
    private static func query<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// The sequence numbers of `writer`'s events in the database at `path`.
    private static func sequenceNumbers(in path: String, writer: String) throws -> [Int] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT json_extract(details_json, '$.seq') FROM audit_events WHERE type = ?
                """, arguments: ["load.\(writer)"])
        }.compactMap(Int.init).sorted()
    }

    @Test func backupsTakenUnderWriteLoadAreConsistentAndRestorable() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("live.sqlite")
            let store = try SQLiteStore.open(path: path)
            _ = try await store.insertGeneratedKeyIfAbsent(StoredSigningKey(
                tenantID: "acme", kid: "k1", algorithm: "ES256", privateKeyPEM: "pem", createdAt: Date()))

            let writers = ["a", "b"].map { name in
                Task { await Self.appendUntilCancelled(store, writer: name) }
            }
            // Let the load get going before the first copy.
            while try await store.recent(tenantID: "acme", limit: 1000).count < 50 {
                try await Task.sleep(for: .milliseconds(5))
            }
            var reports: [SQLiteBackupReport] = []
            for index in 0..<3 {
                // Alternate between the serving store's own pool and a separate read-only
                // connection, as `portcullis backup` opens it next to a running server.
                let target = directory.file("backup-\(index).sqlite")
                reports.append(index.isMultiple(of: 2)
                    ? try store.backup(to: target)
                    : try SQLiteStore.backup(databaseAt: path, to: target))
                try await Task.sleep(for: .milliseconds(20))
            }
            writers.forEach { $0.cancel() }
            var committed: [String: Int] = [:]
            for (name, writer) in zip(["a", "b"], writers) {
                committed[name] = await writer.value
            }

            for report in reports {
                #expect(report.schemaVersion == SQLiteMigrations.latest)
                #expect(report.rowCounts["signing_keys"] == 1)
                let events = try #require(report.rowCounts["audit_events"])
                #expect(events >= 50)
                // One committed state: each writer's events in the copy are exactly its first n.
                var total = 0
                for name in ["a", "b"] {
                    let numbers = try Self.sequenceNumbers(in: report.path, writer: name)
                    #expect(numbers == Array(0..<numbers.count), "writer \(name) has gaps in \(report.path)")
                    #expect(numbers.count <= committed[name] ?? 0)
                    total += numbers.count
                }
                #expect(total == events)
            }
            // Taken while writing, so later copies hold more.
            let counts = reports.compactMap { $0.rowCounts["audit_events"] }
            #expect(counts == counts.sorted())
            #expect((counts.last ?? 0) < committed.values.reduce(0, +))

            // Restore: the copy becomes the database of a fresh store, which opens and serves it.
            let restoredPath = directory.file("restored/portcullis.sqlite")
            try FileManager.default.createDirectory(atPath: directory.file("restored"),
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: reports[2].path, toPath: restoredPath)
            let restored = try SQLiteStore.open(path: restoredPath)
            #expect(restored.schemaVersion == SQLiteMigrations.latest)
            #expect(try await restored.generatedKeys(tenantID: "acme").map(\.kid) == ["k1"])
            #expect(try Self.query(restoredPath) { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
            #expect(try Self.query(restoredPath) { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_events") }
                == reports[2].rowCounts["audit_events"])
            try await restored.append(AuditEvent(tenantID: "acme", type: "after.restore"))
        }
    }

    @Test func theCopyIsOneOwnerOnlyFileWithNoLeftovers() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(path: directory.file("live.sqlite"))
            try await store.append(AuditEvent(tenantID: nil, type: "config.reloaded"))
            try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: true)
            let report = try store.backup(to: directory.file("out/copy.sqlite"))

            #expect(report.rowCounts["audit_events"] == 1)
            #expect(report.bytes > 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: report.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            // No WAL, no journal, no temporary file: the backup is the one file.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("out")) == ["copy.sqlite"])
            #expect(try Self.query(report.path) { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
        }
    }

    @Test func anExistingFileIsReplacedOnlyWhenAsked() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(path: directory.file("live.sqlite"))
            let target = directory.file("backup.sqlite")
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: target))

            #expect(throws: SQLiteBackupError.targetExists(path: target)) {
                try store.backup(to: target)
            }
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")

            let report = try store.backup(to: target, overwrite: true)
            #expect(report.schemaVersion == SQLiteMigrations.latest)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                .filter { $0.hasPrefix(".") }.isEmpty)
        }
    }

    @Test func theDatabaseItselfIsNeverATarget() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("live.sqlite")
            let store = try SQLiteStore.open(path: path)
            for target in [path, path + "-wal", directory.path + "/./live.sqlite"] {
                #expect(throws: SQLiteBackupError.targetIsSource(path: target)) {
                    try store.backup(to: target, overwrite: true)
                }
                #expect(throws: SQLiteBackupError.targetIsSource(path: target)) {
                    try SQLiteStore.backup(databaseAt: path, to: target, overwrite: true)
                }
            }
            #expect(try await store.recent(tenantID: nil, limit: 1).isEmpty)
        }
    }

    @Test func aMissingDatabaseIsReportedNotCreated() async throws {
        try await withTemporaryDirectory { directory in
            let source = directory.file("absent.sqlite")
            #expect(throws: SQLiteBackupError.sourceMissing(path: source)) {
                try SQLiteStore.backup(databaseAt: source, to: directory.file("backup.sqlite"))
            }
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(entries.isEmpty)
        }
    }

    @Test func aFileThatIsNotADatabaseIsReported() async throws {
        try await withTemporaryDirectory { directory in
            let source = directory.file("notes.sqlite")
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: source))
            let error = #expect(throws: SQLiteBackupError.self) {
                try SQLiteStore.backup(databaseAt: source, to: directory.file("backup.sqlite"))
            }
            guard case .cannotReadSource(_, let reason)? = error else {
                Issue.record("expected cannotReadSource, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("not a SQLite database"))
            #expect(!FileManager.default.fileExists(atPath: directory.file("backup.sqlite")))
        }
    }

    @Test func backingUpByPathNeverMigratesTheSource() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("old.sqlite")
            do {
                let pool = try DatabasePool(path: path)
                try SQLiteMigrations.migrate(pool, upTo: "v1_signing_keys")
                try pool.close()
            }
            let report = try SQLiteStore.backup(databaseAt: path, to: directory.file("backup.sqlite"))
            #expect(report.schemaVersion == "v1_signing_keys")
            #expect(report.rowCounts["audit_events"] == nil)
            #expect(try Self.query(path) { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
                == ["v1_signing_keys"])
        }
    }
}
