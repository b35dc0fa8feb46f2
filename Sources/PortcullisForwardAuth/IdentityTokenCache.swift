import Foundation
import Synchronization

/// Identity tokens already signed, so that a resolve for the same identity and application reuses
/// one instead of signing on every request (see ``IdentityTokenIssuer``).
///
/// Keyed by the identity the token states and its audience: a session (or Bearer token) asking
/// again for the same application gets the same token until ``renewAt``; any change in what the
/// identity says (roles, email, a new login) is a new key and so a new token at once. The cache
/// only saves signatures: the resolver decides whether to answer with a token before it looks here,
/// so a logged-out session never gets its cached token back.
public final class IdentityTokenCache: Sendable {
    public struct Key: Hashable, Sendable {
        public let audience: String
        public let identity: ForwardAuthIdentity
    }

    public struct Entry: Sendable {
        public let token: String
        /// When the token stops being handed out: half of its lifetime.
        public let renewAt: Date
    }

    public let capacity: Int
    private let entries = Mutex([Key: Entry]())

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    public func lookup(_ key: Key, now: Date) -> String? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.renewAt else {
                entries[key] = nil
                return nil
            }
            return entry.token
        }
    }

    public func store(_ key: Key, _ entry: Entry, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil {
                entries = entries.filter { now < $0.value.renewAt }
                // Still full of fresh tokens: start over rather than grow without bound.
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = entry
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
