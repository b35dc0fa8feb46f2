import Foundation
import PortcullisCore
import Synchronization

/// Per-key token buckets (per client address and action). Defaults stop scripted guessing while a
/// whole office behind one NAT address, or a test suite, can still log in dozens of times a minute.
public final class RateLimiter: Sendable {
    public struct Rule: Sendable, Hashable {
        /// Requests allowed at once.
        public var burst: Double
        /// Tokens added per second.
        public var refillPerSecond: Double

        public init(burst: Double, refillPerSecond: Double) {
            self.burst = burst
            self.refillPerSecond = refillPerSecond
        }

        /// A configured limit.
        public init(_ limit: RateLimit) {
            self.init(burst: Double(limit.burst), refillPerSecond: Double(limit.perMinute) / 60)
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    /// Bounds memory under a flood of distinct addresses: the oldest buckets are dropped first.
    private let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Takes one token for `key`; false when the bucket is empty.
    public func allow(_ key: String, rule: Rule, now: Date = Date()) -> Bool {
        let time = now.timeIntervalSince1970
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: rule.burst, updated: time)
            bucket.tokens = min(rule.burst, bucket.tokens + max(0, time - bucket.updated) * rule.refillPerSecond)
            bucket.updated = time
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            if buckets.count >= capacity, buckets[key] == nil {
                // Full buckets carry no information; drop those (and, if none, the stalest).
                let full = buckets.filter { min(rule.burst, $0.value.tokens + (time - $0.value.updated) * rule.refillPerSecond) >= rule.burst }
                if full.isEmpty, let stalest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
                    buckets[stalest] = nil
                } else {
                    for key in full.keys { buckets[key] = nil }
                }
            }
            buckets[key] = bucket
            return allowed
        }
    }
}
