import Foundation

/// Server-side login sessions. Sessions are looked up by the SHA-256 digest of the cookie's token
/// (see ``Session/digest``); the store never sees the token itself.
public protocol SessionStore: Sendable {
    /// Stores a new session.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if `digest` is not 64 lowercase hex characters
    ///   (a raw token passed by mistake must not be stored) or the user does not exist in the
    ///   tenant; ``StoreError/conflict(_:)`` if the digest is already stored.
    func createSession(_ session: Session, events: [DomainEvent]) async throws

    /// The session if it can be used at `now`, otherwise `nil`.
    ///
    /// `nil` when the session is unknown, revoked, idle or absolutely expired at `now`, or when
    /// its user is blocked or deleted: blocking a user ends their sessions at the next request.
    func session(tenantID: String, digest: String, now: Date) async throws -> Session?

    /// Records activity on a usable session: `lastSeenAt` becomes `now` and the idle timeout
    /// moves to `idleExpiresAt`, never past ``Session/absoluteExpiresAt``. One small update, cheap
    /// enough for every request.
    ///
    /// - Returns: whether the session was usable at `now` and was extended. A revoked or expired
    ///   session is never brought back.
    @discardableResult
    func touch(tenantID: String, digest: String, now: Date, idleExpiresAt: Date) async throws -> Bool

    /// Revokes one session at `at` (logout). Revoking twice keeps the first time.
    ///
    /// - Returns: whether a session that was not yet revoked was revoked.
    @discardableResult
    func revokeSession(tenantID: String, digest: String, at: Date, events: [DomainEvent]) async throws -> Bool

    /// Revokes every session of the user at `at` ("log out everywhere", a password change).
    ///
    /// - Returns: how many sessions were revoked.
    @discardableResult
    func revokeAllSessions(tenantID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Int

    /// The user's sessions that can be used at `now`, newest first: for "your devices" pages and
    /// the management API.
    func activeSessions(tenantID: String, userID: String, now: Date) async throws -> [Session]

    /// Deletes, across all tenants, sessions that expired (idle or absolute) or were revoked at
    /// or before `before`. Run it periodically; lookups already ignore such sessions.
    ///
    /// - Returns: how many sessions were deleted.
    @discardableResult
    func deleteExpiredSessions(before: Date) async throws -> Int
}

extension SessionStore {
    // The same operations with no event, for callers that record none (tests, maintenance).
    public func createSession(_ session: Session) async throws {
        try await createSession(session, events: [])
    }

    @discardableResult
    public func revokeSession(tenantID: String, digest: String, at: Date) async throws -> Bool {
        return try await revokeSession(tenantID: tenantID, digest: digest, at: at, events: [])
    }

    @discardableResult
    public func revokeAllSessions(tenantID: String, userID: String, at: Date) async throws -> Int {
        return try await revokeAllSessions(tenantID: tenantID, userID: userID, at: at, events: [])
    }
}
