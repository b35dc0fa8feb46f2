import Foundation
import Glibc
@_spi(Testing) import PortcullisStoreSQLite
import PortcullisStore
import Testing

/// A process killed in the middle of a change leaves neither the change nor its events; one killed
/// right after the store returns leaves both. Each exit test runs its body in a child process, which
/// stops with `_exit` (no cleanup, no flush: as close to a kill as a test can get).
@Suite("Change and events survive a crash together or not at all")
struct ChangeEventCrashTests {
    static func user() -> User {
        User(id: "usr_crash", tenantID: "acme", connection: "database", email: "crash@example.com",
             createdAt: Date(timeIntervalSince1970: 1_750_000_000))
    }

    static func created() -> DomainEvent {
        DomainEvent(.userCreated, tenantID: "acme", subject: .user("usr_crash"), actor: .operator("test"))
    }

    @Test func killedBetweenTheChangeAndItsEventsLeavesNeither() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("crash.sqlite")
            await #expect(processExitsWith: .exitCode(42)) { [path = path as String] in
                let store = try SQLiteStore.open(path: path, faults: SQLiteFaultInjection(afterChangeBeforeEvents: {
                    _exit(42)
                }))
                try await store.create(ChangeEventCrashTests.user(), events: [ChangeEventCrashTests.created()])
                _exit(0)
            }
            let store = try SQLiteStore.open(path: path)
            #expect(try await store.user(tenantID: "acme", id: "usr_crash") == nil)
            #expect(try await store.recent(tenantID: "acme", limit: 10).isEmpty)
        }
    }

    @Test func killedAfterTheStoreReturnsLeavesBoth() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("crash.sqlite")
            await #expect(processExitsWith: .exitCode(43)) { [path = path as String] in
                let store = try SQLiteStore.open(path: path)
                try await store.create(ChangeEventCrashTests.user(), events: [ChangeEventCrashTests.created()])
                _exit(43)
            }
            let store = try SQLiteStore.open(path: path)
            #expect(try await store.user(tenantID: "acme", id: "usr_crash") != nil)
            #expect(try await store.recent(tenantID: "acme", limit: 10).map(\.type) == ["user.created"])
        }
    }
}
