import Foundation
import PortcullisCrypto
import PortcullisStore

/// The role names that apply to a user, tenant-wide plus those within `organizationID`.
public typealias RoleLookup = @Sendable (_ tenantID: String, _ userID: String, _ organizationID: String?) async throws
    -> [String]

/// Turns a session cookie's token into the identity the resolver answers with: from the
/// ``SessionCache`` when it can, else from the session, user and role stores (then cached).
public struct SessionIdentitySource: Sendable {
    let sessions: any SessionStore
    let users: any UserStore
    let roles: RoleLookup
    public let cache: SessionCache

    public init(sessions: any SessionStore, users: any UserStore, roles: @escaping RoleLookup, cache: SessionCache) {
        self.sessions = sessions
        self.users = users
        self.roles = roles
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
        guard let session = try await sessions.session(tenantID: tenantID, digest: digest, now: now),
              let user = try await users.user(tenantID: tenantID, id: session.userID), !user.blocked
        else { return nil }
        let identity = ForwardAuthIdentity(
            userID: user.externalID, email: user.email, emailVerified: user.emailVerified, name: user.name,
            roles: try await roles(tenantID, user.id, nil), organizationID: nil, amr: session.amr,
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
        let sessions = self.sessions
        Task.detached(priority: .utility) {
            _ = try? await sessions.touch(tenantID: tenantID, digest: key.hex, now: now, idleExpiresAt: idleExpiresAt)
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
