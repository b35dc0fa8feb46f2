import Foundation
import PortcullisStore

extension StoreConformance {
    static let loginAttemptCases: [Case] = [
        Case("login attempts: failures count up and reset clears them") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id), LoginLockState(),
                            "state before any failure")
            for expected in 1...3 {
                let count = try await store.recordFailure(
                    tenantID: "acme", userID: user.id, at: ConformanceFixtures.date(plusSeconds: expected))
                try expectEqual(count, expected, "count after failure \(expected)")
            }
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id),
                            LoginLockState(consecutiveFailures: 3), "state after three failures")
            try await store.reset(tenantID: "acme", userID: user.id)
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id), LoginLockState(),
                            "state after reset")
            try expectEqual(try await store.recordFailure(tenantID: "acme", userID: user.id, at: ConformanceFixtures.baseDate),
                            1, "count after reset")
            // Resetting a user without failures, or an unknown one, is harmless.
            try await store.reset(tenantID: "acme", userID: User.makeID())
        },

        Case("login attempts: 20 concurrent failures get the counts 1 to 20") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.recordFailure(
                            tenantID: "acme", userID: user.id, at: ConformanceFixtures.date(plusSeconds: index))
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            try expectEqual(counts.sorted(), Array(1...20), "counts returned to the concurrent callers")
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id).consecutiveFailures, 20,
                            "stored count")
        },

        Case("login attempts: a lock holds until its time; a failure after it starts a new count") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            for second in 0..<5 {
                _ = try await store.recordFailure(
                    tenantID: "acme", userID: user.id, at: ConformanceFixtures.date(plusSeconds: second))
            }
            let until = ConformanceFixtures.date(plusSeconds: 900)
            try await store.lock(tenantID: "acme", userID: user.id, until: until)
            let locked = try await store.lockState(tenantID: "acme", userID: user.id)
            try expectEqual(locked, LoginLockState(consecutiveFailures: 5, lockedUntil: until), "state when locked")
            try expect(locked.isLocked(at: ConformanceFixtures.date(plusSeconds: 899)), "locked just before the end")
            try expect(!locked.isLocked(at: until), "unlocked at the end")

            // Failing during the lock keeps counting and keeps the lock.
            try expectEqual(try await store.recordFailure(
                tenantID: "acme", userID: user.id, at: ConformanceFixtures.date(plusSeconds: 600)), 6, "count during the lock")
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id).lockedUntil, until,
                            "lock after a failure during it")
            // Once the lock has run out, the next failure counts from 1 again and clears it.
            try expectEqual(try await store.recordFailure(tenantID: "acme", userID: user.id, at: until), 1,
                            "count after the lock ran out")
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id),
                            LoginLockState(consecutiveFailures: 1), "state after the lock ran out")

            // A lock without failures (an admin's), then reset by an unlock link.
            try await store.reset(tenantID: "acme", userID: user.id)
            try await store.lock(tenantID: "acme", userID: user.id, until: until)
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id),
                            LoginLockState(consecutiveFailures: 0, lockedUntil: until), "a lock with no failures")
            try await store.reset(tenantID: "acme", userID: user.id)
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id), LoginLockState(),
                            "state after the unlock")
        },

        Case("login attempts: counts belong to a user of the same tenant") { store in
            let user = try await ConformanceFixtures.createdUser(in: store, tenant: "acme")
            _ = try await store.recordFailure(tenantID: "acme", userID: user.id, at: ConformanceFixtures.baseDate)
            try await expectStoreError(.invalidInput, "a failure of acme's user recorded as globex") {
                _ = try await store.recordFailure(tenantID: "globex", userID: user.id, at: ConformanceFixtures.baseDate)
            }
            try await expectStoreError(.invalidInput, "a lock of acme's user set as globex") {
                try await store.lock(tenantID: "globex", userID: user.id, until: ConformanceFixtures.date(plusSeconds: 60))
            }
            try await expectStoreError(.invalidInput, "a failure of a user that does not exist") {
                _ = try await store.recordFailure(tenantID: "acme", userID: User.makeID(), at: ConformanceFixtures.baseDate)
            }
            try await store.reset(tenantID: "globex", userID: user.id)
            try expectEqual(try await store.lockState(tenantID: "globex", userID: user.id), LoginLockState(),
                            "acme's user's state read as globex")
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id),
                            LoginLockState(consecutiveFailures: 1), "acme's user's state, untouched by globex")
        },
    ]
}
