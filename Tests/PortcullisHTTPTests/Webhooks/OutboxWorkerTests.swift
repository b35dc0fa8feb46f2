import Foundation
import Logging
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisHooks
import PortcullisStore
import Synchronization
import Testing

/// A sender that answers from a script and keeps what it was given (the integration suite posts to
/// a real receiver; here the worker's decisions are the subject).
final class ScriptedSender: WebhookSending {
    struct Sent: Sendable {
        let url: String
        let headers: [String: String]
        let body: [UInt8]
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(body)) }
    }

    private let state = Mutex<(sent: [Sent], answers: [WebhookResponse])>(([], []))

    /// Answers in order; 204 once the script is used up.
    func script(_ answers: [WebhookResponse]) { state.withLock { $0.answers = answers } }
    var sent: [Sent] { state.withLock { $0.sent } }

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        state.withLock { state in
            state.sent.append(Sent(url: url, headers: Dictionary(headers, uniquingKeysWith: { $1 }), body: body))
            return state.answers.isEmpty ? .status(204) : state.answers.removeFirst()
        }
    }
}

@Suite("Webhook outbox worker")
struct OutboxWorkerTests {
    /// The example's webhook enabled, subscribed to user events, with two attempts.
    static func server() async throws -> TestServer {
        let server = try await TestServer()
        try server.edit("config/tenants/acme.yaml") {
            $0.replacingOccurrences(of: "events: [user.created, user.login, user.login_failed, user.deleted]",
                                    with: "events: [user.created, user.updated, user.blocked]")
                .replacingOccurrences(of: "    max_attempts: 8\n    timeout: 5s\n    enabled: false",
                                      with: "    max_attempts: 2\n    timeout: 5s")
        }
        #expect(await server.reloader.reload(reason: "test"))
        return server
    }

    static func worker(_ server: TestServer, _ sender: ScriptedSender) -> OutboxWorker {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return OutboxWorker(storage: server.storage, snapshot: { server.configStore.snapshot }, sender: sender, logger: logger,
                            backoff: WebhookBackoff(base: 0.001, cap: 0.001))
    }

    static func createUser(_ server: TestServer, _ email: String) async throws -> User {
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"])
        let connection = try #require(tenant.connections["Username-Password-Authentication"])
        return try await server.makeServices().accounts.create(NewUser(email: email), tenantID: "acme", connection: connection,
                                                                by: .operator("test"), via: "test")
    }

    @Test func aChangeIsDeliveredSignedWithItsEventID() async throws {
        let server = try await Self.server()
        defer { server.remove() }
        let sender = ScriptedSender()
        let worker = Self.worker(server, sender)
        let user = try await Self.createUser(server, "ann@example.com")
        #expect(try await worker.step())
        let sent = try #require(sender.sent.first)
        #expect(sender.sent.count == 1)
        #expect(sent.url == "http://127.0.0.1:8089/webhook")
        let key = try #require(server.configStore.snapshot.tenantsByID["acme"]?.webhookKeys["audit-sink"])
        #expect(WebhookSignature.verify(try #require(sent.headers["Portcullis-Signature"]), body: sent.body, key: key.bytes))
        let json = try #require(sent.json)
        #expect(json["type"] == "user.created")
        #expect(json["tenant"] == "acme")
        #expect(json["subject"] == ["type": "user", "id": .string(user.id)])
        #expect(json["actor"] == ["type": "operator", "id": "test"])
        #expect(json["id"]?.stringValue == sent.headers["Portcullis-Event-Id"])
        #expect(sent.headers["Portcullis-Event-Type"] == "user.created")
        #expect(sent.headers["Portcullis-Delivery-Attempt"] == "1")
        #expect(try await server.storage.pendingDeliveryCount() == 0)
        #expect(!(try await worker.step()), "nothing left")
        #expect(sender.sent.count == 1, "delivered once")
    }

    @Test func failuresAreRetriedThenDeadAndASubjectWaitsForItsEarlierEvent() async throws {
        let server = try await Self.server()
        defer { server.remove() }
        let sender = ScriptedSender()
        let worker = Self.worker(server, sender)
        sender.script([.status(503), .failure("connection refused")])
        var ann = try await Self.createUser(server, "ann@example.com")
        let bob = try await Self.createUser(server, "bob@example.com")
        ann.name = "Ann"
        _ = try await server.storage.update(ann, events: [
            DomainEvent(.userUpdated, tenantID: "acme", subject: .user(ann.id), actor: .system),
        ])
        _ = try await worker.step()
        // Ann's creation failed (503), Bob's got "connection refused"; Ann's update waits behind her creation.
        #expect(sender.sent.compactMap { $0.json?["type"]?.stringValue } == ["user.created", "user.created"])
        try await Task.sleep(for: .milliseconds(20))
        _ = try await worker.step()
        // The second attempts succeed; only then may Ann's update go.
        try await Task.sleep(for: .milliseconds(20))
        _ = try await worker.step()
        let types = sender.sent.map { ($0.json?["subject"]?["id"]?.stringValue ?? "", $0.json?["type"]?.stringValue ?? "") }
        #expect(types.filter { $0.0 == ann.id }.map(\.1) == ["user.created", "user.created", "user.updated"])
        #expect(types.filter { $0.0 == bob.id }.map(\.1) == ["user.created", "user.created"])
        #expect(sender.sent.filter { $0.headers["Portcullis-Delivery-Attempt"] == "2" }.count == 2)

        // Two failures with max_attempts 2: dead.
        sender.script([.status(500), .status(500)])
        var blocked = bob
        blocked.blocked = true
        _ = try await server.storage.update(blocked, events: [
            DomainEvent(.userBlocked, tenantID: "acme", subject: .user(bob.id), actor: .system),
        ])
        for _ in 0..<3 {
            _ = try await worker.step()
            try await Task.sleep(for: .milliseconds(20))
        }
        let dead = try await server.storage.deliveries(tenantID: "acme", webhook: "audit-sink", status: .dead, offset: 0, limit: 10)
        #expect(dead.map(\.eventType) == ["user.blocked"])
        #expect(dead.first?.attempts == 2 && dead.first?.lastStatus == 500)
        #expect(try await server.storage.pendingDeliveryCount() == 0)
    }

    @Test func eventsNoWebhookWantsAreNotQueuedForDelivery() async throws {
        let server = try await Self.server()
        defer { server.remove() }
        let sender = ScriptedSender()
        let worker = Self.worker(server, sender)
        let ann = try await Self.createUser(server, "ann@example.com")
        _ = try await server.storage.appendEvents([DomainEvent(.loginSucceeded, tenantID: "acme", subject: .user(ann.id))])
        _ = try await worker.step()
        #expect(sender.sent.map { $0.json?["type"]?.stringValue } == ["user.created"], "user.login is not subscribed")
        #expect(try await server.storage.outbox(limit: 10).isEmpty, "the outbox is emptied all the same")
    }

    @Test func theSignalWakesAWaitingWorker() async throws {
        // Timeouts far beyond what a loaded machine needs: returning before them is the point.
        let signal = OutboxSignal()
        let started = ContinuousClock.now
        async let waited: Void = signal.wait(timeout: .seconds(120))
        try await Task.sleep(for: .milliseconds(50))
        signal.notify()
        await waited
        #expect(ContinuousClock.now - started < .seconds(60))
        signal.notify()
        let again = ContinuousClock.now
        await signal.wait(timeout: .seconds(120))
        #expect(ContinuousClock.now - again < .seconds(60), "a notification before the wait counts")
        let idle = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(50))
        #expect(ContinuousClock.now - idle >= .milliseconds(40), "without one, the timeout")
    }
}
