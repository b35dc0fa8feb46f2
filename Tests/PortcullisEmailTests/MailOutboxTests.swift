import Foundation
import Synchronization
import Testing
@testable import PortcullisEmail

/// A transport whose answers are scripted per attempt.
final class ScriptedTransport: MailTransport {
    struct Failure: MailDeliveryFailure, CustomStringConvertible {
        let isPermanent: Bool
        var description: String { "550 <alice@example.com> rejected" }
    }

    private let outcomes: @Sendable (_ attempt: Int) -> (any Error)?
    private let attempts = Mutex(0)

    init(_ outcomes: @escaping @Sendable (_ attempt: Int) -> (any Error)?) { self.outcomes = outcomes }

    func deliver(_ message: EmailMessage) async throws {
        let attempt = attempts.withLock { $0 += 1; return $0 }
        if let error = outcomes(attempt) { throw error }
    }

    var attemptCount: Int { attempts.withLock { $0 } }
}

/// A transport that holds every delivery until released (or cancelled).
final class BlockingTransport: MailTransport {
    func deliver(_ message: EmailMessage) async throws {
        try await Task.sleep(for: .seconds(60))
    }
}

@Suite struct MailOutboxTests {
    /// `drain` returns as soon as the queue is empty, so a long bound costs nothing when things work;
    /// it only has to outlast a two-core machine running every test suite at once.
    static let generousDrain = Duration.seconds(60)
    static let fastRetries = MailRetryPolicy(maxAttempts: 5, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20))

    @Test func transientFailuresAreRetriedUntilDelivered() async throws {
        let transport = ScriptedTransport { $0 < 3 ? ScriptedTransport.Failure(isPermanent: false) : nil }
        let outbox = MailOutbox(transport: transport, retryPolicy: Self.fastRetries)
        try outbox.send(Fixtures.message())
        #expect(await outbox.drain(timeout: Self.generousDrain))
        #expect(transport.attemptCount == 3)
        #expect(outbox.statistics.delivered == 1)
        #expect(outbox.statistics.pending == 0)
    }

    @Test func permanentFailuresAreNotRetried() async throws {
        let transport = ScriptedTransport { _ in ScriptedTransport.Failure(isPermanent: true) }
        let outbox = MailOutbox(transport: transport, retryPolicy: Self.fastRetries)
        try outbox.send(Fixtures.message())
        #expect(await outbox.drain(timeout: Self.generousDrain))
        #expect(transport.attemptCount == 1)
        #expect(outbox.statistics.failed == 1)
    }

    @Test func deliveryStopsAfterMaxAttempts() async throws {
        let transport = ScriptedTransport { _ in ScriptedTransport.Failure(isPermanent: false) }
        let policy = MailRetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let outbox = MailOutbox(transport: transport, retryPolicy: policy)
        try outbox.send(Fixtures.message())
        #expect(await outbox.drain(timeout: Self.generousDrain))
        #expect(transport.attemptCount == 3)
        #expect(outbox.statistics.failed == 1)
    }

    @Test func aFullQueueRejectsWithoutBlocking() async throws {
        let outbox = MailOutbox(transport: BlockingTransport(), capacity: 2, maxConcurrentDeliveries: 1)
        try outbox.send(Fixtures.message())
        try outbox.send(Fixtures.message())
        #expect(throws: MailOutboxError.queueFull(capacity: 2)) { try outbox.send(Fixtures.message()) }
        #expect(await outbox.drain(timeout: .milliseconds(50)) == false)
        #expect(outbox.statistics.abandoned == 2)
        #expect(throws: MailOutboxError.shuttingDown) { try outbox.send(Fixtures.message()) }
    }

    @Test func sendReturnsImmediatelyWhileTheSMTPServerHangs() async throws {
        let script = FakeSMTPScript(greeting: [])  // accepts the connection, never speaks
        try await FakeSMTPServer.with(script) { server in
            var settings = Fixtures.settings(port: server.port)
            settings.commandTimeout = .seconds(120)
            let outbox = MailOutbox(transport: try SMTPTransport(settings: settings))
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for _ in 0..<20 { try outbox.send(Fixtures.message()) }
            }
            // The server would hold each delivery for the 120 s command timeout; the bounds below are
            // far under that and far over scheduling noise on a busy two-core machine (the tests run
            // in parallel with password hashing).
            #expect(elapsed < .seconds(5))
            #expect(outbox.statistics.pending == 20)
            // Shutdown is bounded too: the hung conversations are cut off.
            let started = clock.now
            #expect(await outbox.drain(timeout: .milliseconds(200)) == false)
            #expect(clock.now - started < .seconds(30))
            #expect(outbox.statistics.abandoned == 20)
        }
    }

    @Test func greylistingThenSuccessOverSMTP() async throws {
        // The first connection is told to come back later; the second one is accepted.
        let script = FakeSMTPScript(respond: { command, connection in
            command.hasPrefix("RCPT") && connection == 1 ? .reply(["451 4.7.1 greylisted, try again"]) : nil
        })
        let (sessions, statistics) = try await FakeSMTPServer.with(script) { server in
            let outbox = MailOutbox(
                transport: try SMTPTransport(settings: Fixtures.settings(port: server.port)),
                retryPolicy: Self.fastRetries)
            try outbox.send(Fixtures.message())
            #expect(await outbox.drain(timeout: Self.generousDrain))
            return (server.recorder.sessions, outbox.statistics)
        }
        #expect(sessions.count == 2)
        #expect(sessions[0].messages.isEmpty)
        #expect(sessions[1].messages.count == 1)
        #expect(statistics.delivered == 1)
    }

    @Test func permanentSMTPRejectionIsTriedOnce() async throws {
        let script = FakeSMTPScript(respond: { command, _ in
            command.hasPrefix("RCPT") ? .reply(["550 5.1.1 <alice@example.com>: no such user"]) : nil
        })
        let (connections, statistics) = try await FakeSMTPServer.with(script) { server in
            let outbox = MailOutbox(
                transport: try SMTPTransport(settings: Fixtures.settings(port: server.port)),
                retryPolicy: Self.fastRetries)
            try outbox.send(Fixtures.message())
            #expect(await outbox.drain(timeout: Self.generousDrain))
            return (server.recorder.sessions.count, outbox.statistics)
        }
        #expect(connections == 1)
        #expect(statistics.failed == 1)
    }

    @Test func manyMessagesAreAllDelivered() async throws {
        let transport = ScriptedTransport { _ in nil }
        let outbox = MailOutbox(transport: transport, maxConcurrentDeliveries: 3)
        for _ in 0..<100 { try outbox.send(Fixtures.message()) }
        #expect(await outbox.drain(timeout: Self.generousDrain))
        #expect(outbox.statistics == { var s = MailOutboxStatistics(); s.accepted = 100; s.delivered = 100; return s }())
    }

    @Test func backoffGrowsExponentiallyWithJitterAndCap() {
        let policy = MailRetryPolicy(maxAttempts: 10, initialDelay: .seconds(2), maxDelay: .seconds(30))
        for attempt in 1...8 {
            let step = min(Duration.seconds(2) * (1 << (attempt - 1)), .seconds(30))
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt)
                #expect(delay >= step / 2 && delay <= step)
            }
        }
        #expect(MailRetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
