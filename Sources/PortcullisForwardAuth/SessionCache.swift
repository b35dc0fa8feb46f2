import Foundation
import PortcullisCore
import PortcullisCrypto
import Synchronization

/// Sessions the resolver has already looked up, with the user fields and roles it answers with, so
/// that a resolve with a known session reads no database.
///
/// Entries live for a short `ttl`. In this process, logout, revocation and password resets
/// invalidate entries at once (as a `SessionInvalidationObserver`). Other replicas, and changes made by
/// other processes (the CLI, a restore), are seen at the latest when the entry's `ttl` ends.
public final class SessionCache: Sendable {
    public struct Entry: Sendable {
        public let tenantID: String
        /// The internal user ID (`usr_…`), for invalidating every session of a user.
        public let userID: String
        public let identity: ForwardAuthIdentity
        public var idleExpiresAt: Date
        public let absoluteExpiresAt: Date
        /// Until when this copy may answer without asking the store again.
        public let freshUntil: Date
        /// When the store last recorded activity on the session (see ``lookup(_:tenantID:now:idleTimeout:)``).
        public var touchedAt: Date
        /// For access tokens: the grant they were minted under, so revoking it drops them.
        public let grantID: String?

        public init(tenantID: String, userID: String, identity: ForwardAuthIdentity, idleExpiresAt: Date,
                    absoluteExpiresAt: Date, freshUntil: Date, touchedAt: Date, grantID: String? = nil) {
            self.tenantID = tenantID
            self.userID = userID
            self.identity = identity
            self.idleExpiresAt = idleExpiresAt
            self.absoluteExpiresAt = absoluteExpiresAt
            self.freshUntil = freshUntil
            self.touchedAt = touchedAt
            self.grantID = grantID
        }
    }

    /// A hit, and when the idle timeout should be moved in the store (at most once per
    /// `touchInterval` per session, so activity is not a database write per request).
    public struct Hit: Sendable {
        public let entry: Entry
        public let touch: Date?
    }

    private struct State {
        var entries: [SecretDigest: Entry] = [:]
        /// Moves on every invalidation; a lookup that started before one must not store its result.
        var generation: UInt64 = 0
    }

    public let ttl: TimeInterval
    public let touchInterval: TimeInterval
    public let capacity: Int
    private let state = Mutex(State())

    public init(ttl: TimeInterval = 30, touchInterval: TimeInterval = 60, capacity: Int = 100_000) {
        self.ttl = ttl
        self.touchInterval = touchInterval
        self.capacity = capacity
    }

    /// How often activity is written: every `touchInterval`, or more often for short idle timeouts,
    /// so a session in use never idles out between two writes.
    public func touchInterval(idleTimeout: TimeInterval) -> TimeInterval {
        min(touchInterval, idleTimeout / 4)
    }

    /// The generation to pass to ``store(_:_:ifGeneration:)`` after reading the store.
    public var generation: UInt64 { state.withLock { $0.generation } }

    public func lookup(_ key: SecretDigest, tenantID: String, now: Date, idleTimeout: TimeInterval) -> Hit? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            guard entry.tenantID == tenantID, now < entry.freshUntil, now < entry.idleExpiresAt,
                  now < entry.absoluteExpiresAt else {
                if entry.tenantID == tenantID { state.entries[key] = nil }
                return nil
            }
            var touch: Date?
            if now.timeIntervalSince(entry.touchedAt) >= touchInterval(idleTimeout: idleTimeout) {
                let idle = min(now.addingTimeInterval(idleTimeout), entry.absoluteExpiresAt)
                entry.touchedAt = now
                entry.idleExpiresAt = idle
                state.entries[key] = entry
                touch = idle
            }
            return Hit(entry: entry, touch: touch)
        }
    }

    /// Keeps `entry` unless something was invalidated since `generation` was read: the store may
    /// have been read before a logout that has since revoked the session.
    public func store(_ key: SecretDigest, _ entry: Entry, ifGeneration generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity {
                let now = Date()
                state.entries = state.entries.filter { now < $0.value.freshUntil }
                // Still full of fresh entries: start over rather than grow without bound.
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[key] = entry
        }
    }

    public func invalidate(_ key: SecretDigest) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[key] = nil
        }
    }

    /// Drops every session of a user (revoke all, password reset, block).
    public func invalidate(tenantID: String, userID: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.tenantID != tenantID || $0.value.userID != userID }
        }
    }

    /// Drops the access tokens of a revoked grant.
    public func invalidate(tenantID: String, grantID: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.tenantID != tenantID || $0.value.grantID != grantID }
        }
    }

    public func removeAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }
}

extension SessionCache: SessionInvalidationObserver {
    public func sessionEnded(tenantID: String, digest: String) {
        if let key = Self.key(hex: digest) { invalidate(key) } else { removeAll() }
    }

    public func userSessionsEnded(tenantID: String, userID: String) {
        invalidate(tenantID: tenantID, userID: userID)
    }

    /// The cache key of a stored digest; nil unless it is 64 hex characters.
    static func key(hex: String) -> SecretDigest? {
        let bytes = Array(hex.utf8)
        guard bytes.count == 64 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            result.append(byte)
        }
        return SecretDigest(bytes: result)
    }
}

extension SessionCache: GrantRevocationObserver {
    public func grantRevoked(tenantID: String, grantID: String) {
        invalidate(tenantID: tenantID, grantID: grantID)
    }
}
