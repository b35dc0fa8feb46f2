import Foundation
import PortcullisCrypto
import Testing

@Suite struct PasswordMeasureTests {
    @Test func measure() async throws {
        guard ProcessInfo.processInfo.environment["PW_MEASURE"] != nil else { return }
        let hasher = PasswordHasher()
        _ = try hasher.hash(password: "warm")
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for _ in 0..<20 { samples.append(try clock.measure { _ = try hasher.hash(password: "password") }) }
        samples.sort()
        print("MEASURE single default hash: min \(samples[0]) median \(samples[10])")
        let pool = PasswordHashingPool(workers: 2, queueCapacity: 64)
        let count = 60
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count { group.addTask { _ = try await pool.hash("password \(i)") } }
                try await group.waitForAll()
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("MEASURE pool 2 workers: \(count) hashes in \(elapsed) = \(Double(count) / seconds) hashes/s")
    }
}
