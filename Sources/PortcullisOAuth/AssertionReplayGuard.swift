import Foundation
import Synchronization

/// Remembers the `jti` of client assertions until they expire, so a captured assertion cannot be
/// replayed (RFC 7523 §3 item 7). In memory: each replica keeps its own memory, which bounds the
/// replay window to one use per replica within the assertion's (at most one hour) lifetime.
public final class AssertionReplayGuard: Sendable {
    private let seen = Mutex<[String: Date]>([:])
    private let capacity: Int

    public init(capacity: Int = 100_000) { self.capacity = capacity }

    /// Whether `key` was not seen before (and records it until `until`).
    public func firstUse(key: String, until: Date, now: Date) -> Bool {
        seen.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { $0.value > now } }
            if let existing = entries[key], existing > now { return false }
            guard entries.count < capacity else { return false }
            entries[key] = until
            return true
        }
    }
}
