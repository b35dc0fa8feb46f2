import Foundation
import PortcullisStore
import PortcullisStoreSQLite
import Synchronization
import Testing

/// The batching recorder over a real SQLite store: everything recorded is written, in few
/// transactions under load, and a full buffer drops (and counts) rather than grows.
@Suite("Event recorder")
struct EventRecorderTests {
    /// A real store whose batch writes wait until the test opens the gate, to hold the recorder
    /// mid-write while more events arrive.
    final class GatedStore: AuditEventSink, Sendable {
        let store: SQLiteStore
        let batches = Mutex<[Int]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let closed = Mutex(true)

        init(_ store: SQLiteStore) { self.store = store }

        func appendEvents(_ events: [DomainEvent]) async throws {
            if closed.withLock({ $0 }) {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
            }
            batches.withLock { $0.append(events.count) }
            try await store.appendEvents(events)
        }
        func waitUntilHeld() async {
            while gate.withLock({ $0 == nil }) { try? await Task.sleep(for: .milliseconds(1)) }
        }

        func open() async {
            closed.withLock { $0 = false }
            while true {
                if let waiting = gate.withLock({ state -> CheckedContinuation<Void, Never>? in defer { state = nil }; return state }) {
                    waiting.resume()
                    return
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    static func event(_ index: Int) -> DomainEvent {
        DomainEvent(.loginFailed, tenantID: "acme", details: ["n": String(index)])
    }

    @Test func writesEverythingInBatchesAndDropsPastTheBound() async throws {
        let gated = GatedStore(try SQLiteStore.inMemory())
        let recorder = EventRecorder(store: gated)
        recorder.record(Self.event(0))  // starts a write that waits at the gate
        await gated.waitUntilHeld()
        let extra = 5
        recorder.record((1...(EventRecorder.maxPending + extra)).map(Self.event))
        #expect(recorder.droppedCount == extra, "the buffer holds maxPending; the first event is being written")
        await gated.open()
        await recorder.flush()
        let batches = gated.batches.withLock { $0 }
        #expect(batches.reduce(0, +) == EventRecorder.maxPending + 1)
        #expect(batches.allSatisfy { $0 <= 500 }, "one transaction writes at most a batch")
        #expect(batches.count == 1 + EventRecorder.maxPending / 500)
        #expect(try await gated.store.recent(tenantID: "acme", limit: 1).count == 1)
    }

    @Test func flushWithNothingPendingReturnsAtOnce() async {
        let recorder = EventRecorder(store: GatedStore(try! SQLiteStore.inMemory()))
        await recorder.flush()
        recorder.record([])
        await recorder.flush()
        #expect(recorder.droppedCount == 0)
    }
}
