import Dispatch
import Foundation
@testable import PortcullisCrypto
import Testing

@Suite("The bounded password hashing pool")
struct PasswordHashingPoolTests {
    @Test func hashesAndVerifiesOffTheCallersThread() async throws {
        let pool = PasswordHashingPool(parameters: fastParameters, workers: 2, queueCapacity: 4)
        let encoded = try await pool.hash("hunter2")
        #expect(try await pool.verify("hunter2", against: encoded) == .valid(needsRehash: false))
        #expect(try await pool.verify("hunter3", against: encoded) == .invalid)
        let threadName = try await pool.run { Thread.current.name ?? "" }
        #expect(threadName.hasPrefix("pwhash-"))
    }

    @Test func perCallParametersDecideRehash() async throws {
        let pool = PasswordHashingPool(parameters: fastParameters, workers: 1, queueCapacity: 4)
        let encoded = try await pool.hash("hunter2")
        let raised = Argon2idParameters(memoryKiB: 8192, iterations: 2, parallelism: 1)
        #expect(try await pool.verify("hunter2", against: encoded, parameters: raised) == .valid(needsRehash: true))
        #expect(try await pool.hash("hunter2", parameters: raised).contains("$m=8192,t=2,p=1$"))
    }

    @Test func refusesAtOnceWhenWorkersAndQueueAreFull() async throws {
        let pool = PasswordHashingPool(parameters: fastParameters, workers: 1, queueCapacity: 1)
        let gate = DispatchSemaphore(value: 0)
        let running = Task { try await pool.run { gate.wait() } }
        try await waitUntil { pool.inFlight == 1 }
        let waiting = Task { try await pool.run { gate.wait() } }
        try await waitUntil { pool.queued == 1 }

        await #expect(throws: PasswordHashingError.overloaded) { try await pool.hash("x") }
        await #expect(throws: PasswordHashingError.overloaded) { try await pool.verifyDummy("x") }

        gate.signal()
        gate.signal()
        try await running.value
        try await waiting.value
        try await waitUntil { pool.inFlight == 0 && pool.queued == 0 }
        let afterwards = try await pool.hash("x")
        #expect(try await pool.verify("x", against: afterwards).isValid)
    }

    @Test func aBurstGetsSomeAnswersAndSomeRefusals() async throws {
        // Default costs make each hash last long enough that the burst outruns the single worker.
        let pool = PasswordHashingPool(workers: 1, queueCapacity: 1)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<10 {
                group.addTask {
                    do {
                        _ = try await pool.hash("password \(index)")
                        return true
                    } catch {
                        #expect(error as? PasswordHashingError == .overloaded)
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        let succeeded = outcomes.filter { $0 }.count
        #expect(succeeded >= 2, "the running and the queued hash always finish")
        #expect(succeeded < 10, "a burst beyond capacity must be refused, not queued")
        try await waitUntil { pool.inFlight == 0 && pool.queued == 0 }
    }

    @Test func dummyVerificationCostsAboutAsMuchAsARealOne() async throws {
        let pool = PasswordHashingPool(workers: 1, queueCapacity: 4)
        let encoded = try await pool.hash("the real password")
        let clock = ContinuousClock()
        var real = Duration.seconds(60), dummy = Duration.seconds(60)
        // Fastest of three damps noise from other processes on a shared machine.
        for _ in 0..<3 {
            real = min(real, try await clock.measure { _ = try await pool.verify("a wrong guess", against: encoded) })
            dummy = min(dummy, try await clock.measure { try await pool.verifyDummy("a wrong guess") })
        }
        #expect(real > .milliseconds(5))
        #expect(dummy > .milliseconds(5))
        #expect(dummy > real / 3 && dummy < real * 3, "real \(real), dummy \(dummy)")
    }
}

/// Polls `condition` until it holds; pool counters change on worker threads just after a caller
/// resumes, so tests wait for them instead of reading them once.
private func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 30 s")
            return
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}
