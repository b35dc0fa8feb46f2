import Dispatch
import Foundation
import Synchronization

/// A fixed number of dedicated threads fed from a bounded FIFO queue.
///
/// Password hashing blocks a thread for tens of milliseconds. On the Swift concurrency pool or a NIO
/// event loop that would stall unrelated requests during a login burst, so the work runs on threads
/// of its own, and the queue in front of them is bounded: beyond `workers + queueCapacity` jobs,
/// `submit` refuses at once instead of letting waits grow until clients time out.
final class BoundedWorkerThreads: Sendable {
    typealias Job = @Sendable () -> Void

    let workers: Int
    let queueCapacity: Int
    private let queue: JobQueue

    init(workers: Int, queueCapacity: Int, name: String) {
        precondition(workers >= 1, "a worker pool needs at least one worker")
        precondition(queueCapacity >= 0, "queue capacity cannot be negative")
        self.workers = workers
        self.queueCapacity = queueCapacity
        queue = JobQueue(limit: workers + queueCapacity)
        for index in 0..<workers {
            // Names make the workers recognizable in `top -H` and crash reports. On Linux,
            // Foundation applies a name to the OS thread only when set from that thread after
            // `start()` has returned, hence the handshake; Linux also drops names over 15 bytes.
            let started = DispatchSemaphore(value: 0)
            // The threads hold only the queue, not `self`, so dropping the pool shuts them down.
            let thread = Thread { [queue] in
                started.wait()
                Thread.current.name = "\(name)-\(index)"
                queue.work()
            }
            thread.start()
            started.signal()
        }
    }

    deinit {
        queue.shutDown(workers: workers)
    }

    /// Enqueues `job`, or returns `false` without enqueuing when the pool is full.
    func submit(_ job: @escaping Job) -> Bool {
        queue.submit(job)
    }

    /// Jobs running on a worker right now.
    var running: Int { queue.counts.running }
    /// Jobs accepted but not yet picked up by a worker.
    var waiting: Int { queue.counts.waiting }
}

/// The state the worker threads share with the pool.
private final class JobQueue: Sendable {
    private struct State {
        var waiting: [BoundedWorkerThreads.Job] = []
        var running = 0
        var isShuttingDown = false
    }

    private let limit: Int
    private let state = Mutex(State())
    /// One signal per accepted job plus one per worker at shutdown; a worker waking to an empty
    /// queue therefore knows it is being told to stop.
    private let wakeUps = DispatchSemaphore(value: 0)

    init(limit: Int) {
        self.limit = limit
    }

    var counts: (running: Int, waiting: Int) {
        state.withLock { ($0.running, $0.waiting.count) }
    }

    func submit(_ job: @escaping BoundedWorkerThreads.Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.isShuttingDown, state.running + state.waiting.count < limit else { return false }
            state.waiting.append(job)
            return true
        }
        if accepted { wakeUps.signal() }
        return accepted
    }

    /// The body of each worker thread: run jobs until told to stop and the queue is drained, so no
    /// accepted job is ever left without an answer.
    func work() {
        while true {
            wakeUps.wait()
            let next: BoundedWorkerThreads.Job? = state.withLock { state in
                guard !state.waiting.isEmpty else { return nil }
                state.running += 1
                return state.waiting.removeFirst()
            }
            guard let next else { return }
            next()
            state.withLock { $0.running -= 1 }
        }
    }

    func shutDown(workers: Int) {
        state.withLock { $0.isShuttingDown = true }
        for _ in 0..<workers { wakeUps.signal() }
    }
}
