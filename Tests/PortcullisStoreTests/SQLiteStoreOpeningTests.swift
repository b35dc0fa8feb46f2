import Foundation
import PortcullisStore
import PortcullisStoreSQLite
import Testing

@Suite("SQLiteStore opening")
struct SQLiteStoreOpeningTests {
    @Test func createsTheFileAndMissingParentDirectories() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("data/nested/deeper/portcullis.sqlite")
            let store = try SQLiteStore.open(path: path)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(store.path == path)
            #expect(store.schemaVersion == SQLiteMigrations.latest)
            try await store.ping()
        }
    }

    @Test func usesWALAndTheBusyTimeout() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(path: directory.file("wal.sqlite"), busyTimeout: .milliseconds(2500))
            let settings = try await store.connectionSettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.busyTimeoutMilliseconds == 2500)
            #expect(settings.foreignKeysEnabled)
        }
    }

    @Test func reopeningKeepsTheData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("reopen.sqlite")
            let key = StoredSigningKey(
                tenantID: "acme", kid: "k1", algorithm: "ES256", privateKeyPEM: "pem",
                createdAt: Date(timeIntervalSince1970: 1_700_000_000.25))
            let event = AuditEvent(tenantID: "acme", type: "signing_key.generated",
                                   occurredAt: key.createdAt, details: ["kid": "k1"])
            do {
                let store = try SQLiteStore.open(path: path)
                _ = try await store.insertGeneratedKeyIfAbsent(key)
                try await store.append(event)
            }
            let reopened = try SQLiteStore.open(path: path)
            #expect(try await reopened.generatedKeys(tenantID: "acme") == [key])
            #expect(try await reopened.recent(tenantID: "acme", limit: 10) == [event])
        }
    }

    @Test func aPathUnderAFileCannotBeOpened() async throws {
        try await withTemporaryDirectory { directory in
            let blocker = directory.file("not-a-directory")
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            let path = blocker + "/sub/portcullis.sqlite"
            let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
            #expect(error == .cannotOpen(driver: .sqlite, location: path, reason: "\(blocker) exists but is not a directory"))
            #expect(error.description.hasPrefix("cannot open SQLite database at \(path): "))
        }
    }

    @Test func aPathInProcCannotBeOpened() throws {
        let path = "/proc/portcullis-\(UUID().uuidString)/portcullis.sqlite"
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
        guard case .cannotOpen(.sqlite, let reportedPath, let reason) = error else {
            Issue.record("expected cannotOpen, got \(error)")
            return
        }
        #expect(reportedPath == path)
        #expect(reason.hasPrefix("cannot create directory /proc/portcullis-"))
    }

    @Test func aDirectoryIsNotADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: directory.path) }
            #expect(error == .cannotOpen(driver: .sqlite, location: directory.path, reason: "the path is a directory, not a database file"))
        }
    }

    @Test func aGarbageFileIsNotADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("garbage.sqlite")
            let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            try garbage.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
            #expect(error == .cannotOpen(driver: .sqlite, location: path, reason: "the file is not a SQLite database"))
            #expect(error.description == "cannot open SQLite database at \(path): the file is not a SQLite database")
            // Refusing must not damage the file: it may be someone's data.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        }
    }

    @Test func anEmptyPathIsRefused() throws {
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: "") }
        #expect(error == .cannotOpen(driver: .sqlite, location: "", reason: "the path is empty"))
    }
}
