import Foundation
import PortcullisCrypto
import PortcullisStore

/// The one way sessions end in this process: the store is updated first, then the resolver's
/// ``SessionCache`` forgets them, so the very next resolve asks the store and finds them gone.
public struct SessionRevocation: Sendable {
    let sessions: any SessionStore
    public let cache: SessionCache

    public init(sessions: any SessionStore, cache: SessionCache) {
        self.sessions = sessions
        self.cache = cache
    }

    /// Logout: revokes the session of a cookie token.
    @discardableResult
    public func revoke(tenantID: String, token: String, at: Date = Date()) async throws -> Bool {
        let key = SecretDigest(of: token)
        defer { cache.invalidate(key) }
        return try await sessions.revokeSession(tenantID: tenantID, digest: key.hex, at: at)
    }

    /// Every session of a user: a password reset, "log out everywhere", a blocked user.
    @discardableResult
    public func revokeAll(tenantID: String, userID: String, at: Date = Date()) async throws -> Int {
        defer { cache.invalidate(tenantID: tenantID, userID: userID) }
        return try await sessions.revokeAllSessions(tenantID: tenantID, userID: userID, at: at)
    }
}
