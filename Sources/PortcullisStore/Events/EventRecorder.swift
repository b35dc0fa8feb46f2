import Synchronization

/// Writes the events that describe no stored change — a failed login of an unknown account, a
/// client-credentials token — in batches, off the request path.
///
/// Events that describe a change never come here: they go to the change's own store operation
/// (`events:`), which commits both in one transaction. These have no transaction to join, and the
/// token endpoint must not wait for a database write per token (it serves thousands a second). So
/// `record` only appends to a bounded buffer; one writer task at a time drains it, one transaction
/// per drain: idle, an event is written at once; under load, everything that arrived during the
/// previous write goes in the next one.
public final class EventRecorder: Sendable {
    /// Events waiting beyond this are dropped (and counted) rather than grow memory without bound
    /// while the database is unavailable.
    public static let maxPending = 10_000
    /// The most events one transaction writes.
    static let batchSize = 500

    private struct State {
        var pending: [DomainEvent] = []
        var draining = false
        var dropped = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let store: any AuditEventSink
    private let onFailure: @Sendable (_ error: any Error, _ lost: Int) -> Void
    private let state = Mutex(State())

    /// - Parameter onFailure: told when a batch could not be written (it is lost: retrying a
    ///   failing database from here would only pile up more), and with how many events.
    public init(store: any AuditEventSink,
                onFailure: @escaping @Sendable (_ error: any Error, _ lost: Int) -> Void = { _, _ in }) {
        self.store = store
        self.onFailure = onFailure
    }

    /// Queues events for writing; returns at once.
    public func record(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            let room = Self.maxPending - state.pending.count
            state.pending.append(contentsOf: events.prefix(max(room, 0)))
            state.dropped += max(events.count - max(room, 0), 0)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if start { Task { await drain() } }
    }

    public func record(_ event: DomainEvent) { record([event]) }

    /// Events dropped because the buffer was full, since start.
    public var droppedCount: Int { state.withLock { $0.dropped } }

    /// Returns when every event recorded before the call has been written (or has failed): for
    /// shutdown and for tests.
    public func flush() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                guard state.draining else { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [DomainEvent] in
                let batch = Array(state.pending.prefix(Self.batchSize))
                state.pending.removeFirst(batch.count)
                return batch
            }
            if batch.isEmpty {
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                    // An event may have arrived between taking the empty batch and here.
                    guard state.pending.isEmpty else { return nil }
                    state.draining = false
                    defer { state.waiters = [] }
                    return state.waiters
                }
                guard let waiters else { continue }
                for waiter in waiters { waiter.resume() }
                return
            }
            do {
                try await store.appendEvents(batch)
            } catch {
                onFailure(error, batch.count)
            }
        }
    }
}
