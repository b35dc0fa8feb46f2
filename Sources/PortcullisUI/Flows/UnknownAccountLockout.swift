import Foundation
import Synchronization

/// Failed logins for identifiers that match no account, counted like a real account's failures.
///
/// Without it the lockout message would tell an attacker which emails have accounts: five wrong
/// passwords on a real address answer "locked", on an unknown address "wrong email or password"
/// forever. With it both answer alike. Kept in memory (there is no user row to keep it in): with
/// several replicas each counts its own failures, so an unknown address locks after a few more
/// tries — still without telling anything. Entries go away a day after their last failure; the
/// table is bounded, and when full the oldest entries are dropped first.
public final class UnknownAccountLockout: Sendable {
    private struct Entry {
        var failures: Int
        var lockedUntil: Date?
        var lastFailure: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int
    private let retention: TimeInterval

    public init(capacity: Int = 100_000, retention: TimeInterval = 86_400) {
        self.capacity = capacity
        self.retention = retention
    }

    /// When the identifier's phantom lock ends, if it is locked at `now`.
    public func lockedUntil(_ key: String, now: Date) -> Date? {
        entries.withLock { entries in
            guard let until = entries[key]?.lockedUntil, until > now else { return nil }
            return until
        }
    }

    /// Counts one failure; returns the lock's end when this failure reached `maxFailures`.
    public func recordFailure(_ key: String, now: Date, maxFailures: Int, lockFor duration: TimeInterval) -> Date? {
        entries.withLock { entries in
            if entries.count >= capacity { Self.prune(&entries, now: now, retention: retention, keep: capacity / 2) }
            var entry = entries[key] ?? Entry(failures: 0, lockedUntil: nil, lastFailure: now)
            if let until = entry.lockedUntil, until <= now {
                // A lock that ran out starts a new count, as a real account's does after unlocking.
                entry = Entry(failures: 0, lockedUntil: nil, lastFailure: now)
            }
            entry.failures += 1
            entry.lastFailure = now
            var lockedNow: Date?
            if entry.failures >= maxFailures, entry.lockedUntil == nil {
                lockedNow = now.addingTimeInterval(duration)
                entry.lockedUntil = lockedNow
            }
            entries[key] = entry
            return lockedNow
        }
    }

    private static func prune(_ entries: inout [String: Entry], now: Date, retention: TimeInterval, keep: Int) {
        entries = entries.filter { now.timeIntervalSince($0.value.lastFailure) < retention }
        guard entries.count > keep else { return }
        let newest = entries.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(keep)
        entries = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}
