import Logging
import Synchronization

/// Accepts emails without making the caller wait for a mail server, and delivers them in the
/// background with retries.
///
/// `send` only checks capacity and enqueues; a page that triggers an email returns at once even when
/// the SMTP server is slow or down. The queue lives in memory and is bounded: when it is full `send`
/// throws, so a dead relay costs bounded memory and the caller learns about it. Messages still queued
/// when the process ends are lost; a store-backed outbox can replace this one later.
///
/// Logs name the message id, the recipients' domains and the server's reply (with addresses masked);
/// never full addresses, subjects or bodies, which carry tokens.
public final class MailOutbox: Sendable {
    public let capacity: Int
    private let ledger: OutboxLedger
    private let queue: AsyncStream<EmailMessage>.Continuation
    private let worker: Task<Void, Never>

    /// - Parameters:
    ///   - capacity: messages queued or in delivery at most; `send` refuses more.
    ///   - maxConcurrentDeliveries: deliveries (SMTP connections) in flight at once, so a burst does not
    ///     open hundreds of connections to the relay.
    public init(
        transport: any MailTransport,
        retryPolicy: MailRetryPolicy = MailRetryPolicy(),
        capacity: Int = 1_000,
        maxConcurrentDeliveries: Int = 4,
        logger: Logger = Logger(label: "portcullis.email")
    ) {
        self.capacity = max(1, capacity)
        let ledger = OutboxLedger()
        let (stream, continuation) = AsyncStream.makeStream(of: EmailMessage.self)
        let delivery = OutboxDelivery(transport: transport, retryPolicy: retryPolicy, ledger: ledger, logger: logger)
        let concurrency = max(1, maxConcurrentDeliveries)
        self.ledger = ledger
        self.queue = continuation
        // The worker holds the stream, the ledger and the transport, never `self`: dropping the outbox
        // finishes the stream (see deinit) and lets the worker end after the queued messages.
        self.worker = Task { await delivery.run(stream, concurrency: concurrency) }
    }

    deinit {
        queue.finish()
    }

    /// Queues `message` for delivery and returns at once.
    public func send(_ message: EmailMessage) throws(MailOutboxError) {
        try ledger.admit(capacity: capacity)
        if case .terminated = queue.yield(message) {
            // `drain` finished the queue between the admission and here.
            ledger.withdraw()
            throw .shuttingDown
        }
    }

    /// Stops accepting messages and waits up to `timeout` for the queued ones to be delivered (or to
    /// fail). Whatever is still pending then is abandoned and counted in `statistics.abandoned`.
    /// Returns true when everything finished in time.
    @discardableResult
    public func drain(timeout: Duration) async -> Bool {
        ledger.stopAccepting()
        queue.finish()
        let worker = self.worker
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await worker.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            // Cancelling the worker cuts backoff sleeps and open SMTP conversations short, so the
            // first child above returns promptly.
            if !first { worker.cancel() }
            group.cancelAll()
            return first
        }
        ledger.abandonRemaining()
        return finished
    }

    public var statistics: MailOutboxStatistics { ledger.statistics }
}

/// Counts messages through their life; the bound on the queue is enforced here.
final class OutboxLedger: Sendable {
    private struct State {
        var statistics = MailOutboxStatistics()
        var accepting = true
    }

    private let state = Mutex(State())

    func admit(capacity: Int) throws(MailOutboxError) {
        let result: MailOutboxError? = state.withLock { state in
            guard state.accepting else { return .shuttingDown }
            guard state.statistics.pending < capacity else { return .queueFull(capacity: capacity) }
            state.statistics.accepted += 1
            return nil
        }
        if let result { throw result }
    }

    func withdraw() { state.withLock { $0.statistics.accepted -= 1 } }
    func stopAccepting() { state.withLock { $0.accepting = false } }
    func delivered() { state.withLock { $0.statistics.delivered += 1 } }
    func failed() { state.withLock { $0.statistics.failed += 1 } }
    func abandonRemaining() {
        state.withLock { $0.statistics.abandoned += $0.statistics.pending }
    }

    var statistics: MailOutboxStatistics { state.withLock { $0.statistics } }
}
