import Foundation
import PortcullisCrypto
import PortcullisStore

/// Turns a session cookie's token into the identity the resolver answers with: from the
/// ``SessionCache`` when it can, else from the session, user, role and membership records (then
/// cached).
public struct SessionIdentitySource: Sendable {
    let storage: any ForwardAuthStorage
    public let cache: SessionCache

    public init(storage: any ForwardAuthStorage, cache: SessionCache) {
        self.storage = storage
        self.cache = cache
    }

    /// The identity behind `token` in `tenantID`, or `nil` when the token is malformed, unknown,
    /// revoked, expired, or its user is blocked or gone.
    public func identity(token: Substring, tenantID: String, idleTimeout: TimeInterval, now: Date = Date())
        async throws -> ForwardAuthIdentity?
    {
        // Cookies are 32 random bytes in base64url; anything else is not worth a hash or a query.
        guard Self.isWellFormed(token) else { return nil }
        let key = SecretDigest(of: token)
        if let hit = cache.lookup(key, tenantID: tenantID, now: now, idleTimeout: idleTimeout) {
            if let idle = hit.touch { touchLater(tenantID: tenantID, key: key, now: now, idleExpiresAt: idle) }
            return hit.entry.identity
        }
        let generation = cache.generation
        let digest = key.hex
        guard let session = try await storage.session(tenantID: tenantID, digest: digest, now: now),
              let user = try await storage.user(tenantID: tenantID, id: session.userID), !user.blocked
        else { return nil }
        let roles = try await SubjectRoles.load(from: storage, tenantID: tenantID, userID: user.id)
        let identity = ForwardAuthIdentity.session(of: user, roles: roles, amr: session.amr,
                                                   authenticatedAt: session.authTime)
        // A session seen now is active now: record it unless the store already knows about recent use.
        var touchedAt = session.lastSeenAt
        var idleExpiresAt = session.idleExpiresAt
        if now.timeIntervalSince(session.lastSeenAt) >= cache.touchInterval(idleTimeout: idleTimeout) {
            idleExpiresAt = min(now.addingTimeInterval(idleTimeout), session.absoluteExpiresAt)
            touchedAt = now
            touchLater(tenantID: tenantID, key: key, now: now, idleExpiresAt: idleExpiresAt)
        }
        cache.store(key, SessionCache.Entry(
            tenantID: tenantID, userID: user.id, identity: identity, idleExpiresAt: idleExpiresAt,
            absoluteExpiresAt: session.absoluteExpiresAt, freshUntil: now.addingTimeInterval(cache.ttl),
            touchedAt: touchedAt), ifGeneration: generation)
        return identity
    }

    /// Moves the idle timeout in the store off the request's path; a failure only means the
    /// session may idle out a little earlier than it would have.
    private func touchLater(tenantID: String, key: SecretDigest, now: Date, idleExpiresAt: Date) {
        let storage = self.storage
        Task.detached(priority: .utility) {
            _ = try? await storage.touch(tenantID: tenantID, digest: key.hex, now: now, idleExpiresAt: idleExpiresAt)
        }
    }

    static func isWellFormed(_ token: Substring) -> Bool {
        (16...128).contains(token.utf8.count) && token.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default: false
            }
        }
    }
}
