import Foundation

/// Refresh tokens with rotation and family revocation, looked up by digest.
public protocol RefreshTokenStore: Sendable {
    /// Stores a new token (the first of a family, issued by the authorization code grant).
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` for a digest that is not 64 lowercase hex
    ///   characters or a user not in the tenant; ``StoreError/conflict(_:)`` if the digest exists.
    func createRefreshToken(_ token: RefreshToken) async throws

    /// The token if it can be used at `now` (see ``RefreshToken/isActive(at:)``) and its user is
    /// neither blocked nor deleted; otherwise `nil`. For introspection and non-rotating clients.
    func refreshToken(tenantID: String, digest: String, now: Date) async throws -> RefreshToken?

    /// The token in whatever state it is (spent, revoked, expired, its user blocked), or `nil` if
    /// the tenant has no token with this digest (never issued, or deleted by the sweep or with its
    /// user). Lets the refresh grant tell a reuse, or a retry within its grace period, from a token
    /// that was never valid; ``rotateRefreshToken(tenantID:digest:now:successor:)`` still decides
    /// atomically.
    func refreshTokenRecord(tenantID: String, digest: String) async throws -> RefreshToken?

    /// The user's refresh tokens that can still be used at `now` (one per live grant: rotation
    /// marks the previous token used), newest first.
    func liveRefreshTokens(tenantID: String, userID: String, now: Date) async throws -> [RefreshToken]

    /// Spends the token and stores `successor`, in one transaction. Of concurrent calls with one
    /// digest at most one rotates; a spent token presented again revokes the family (`revokedAt`
    /// = `now` on every token with its ``RefreshToken/familyID``) and answers `.reused`, even if
    /// its user has since been blocked or it is past its expiry (until the sweep deletes it).
    /// `successor` must have the same tenant, client, user and family. The family's hard end does
    /// not move: the stored successor gets the spent token's ``RefreshToken/absoluteExpiresAt``,
    /// and its ``RefreshToken/expiresAt`` is capped by it.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` for a successor that breaks these rules or has a
    ///   digest that is not 64 lowercase hex characters (nothing is spent then);
    ///   ``StoreError/conflict(_:)`` if the successor's digest exists.
    func rotateRefreshToken(
        tenantID: String, digest: String, now: Date, successor: RefreshToken, events: [DomainEvent]
    ) async throws -> RefreshTokenRotation

    /// Revokes every token of the family at `at` (a replayed code, a detected reuse, RFC 7009
    /// revocation of a refresh token). - Returns: how many tokens were newly revoked.
    @discardableResult
    func revokeRefreshTokenFamily(tenantID: String, familyID: String, at: Date, events: [DomainEvent]) async throws -> Int

    /// Revokes every refresh token of the user at `at` (password reset, "log out everywhere"), and
    /// their families. Blocking a user with ``UserStore/update(_:)`` does this too.
    @discardableResult
    func revokeRefreshTokens(tenantID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Int

    /// Whether the family has been revoked (access tokens of a revoked grant fail introspection).
    /// A revocation is remembered even for a grant that never had a refresh token (a replayed code
    /// whose first exchange issued only an access token), and for
    /// ``RefreshToken/familyRevocationRetention`` after the sweep deleted the family's tokens.
    func isRefreshTokenFamilyRevoked(tenantID: String, familyID: String) async throws -> Bool

    /// Deletes, across all tenants, tokens whose absolute lifetime ended, or that were revoked or
    /// idle-expired, at or before `before`, and the records of families revoked at least
    /// ``RefreshToken/familyRevocationRetention`` before `before`. Deleting a user deletes their
    /// tokens too. - Returns: how many tokens were deleted.
    @discardableResult
    func deleteExpiredRefreshTokens(before: Date) async throws -> Int
}

extension RefreshToken {
    /// How long a revoked family stays revoked for
    /// ``RefreshTokenStore/isRefreshTokenFamilyRevoked(tenantID:familyID:)``: 30 days, the longest
    /// access token lifetime the configuration allows (`resource_servers[].token_lifetime`), so
    /// no access token of a revoked grant outlives the record of its revocation.
    public static let familyRevocationRetention: TimeInterval = 30 * 86_400
}

extension RefreshTokenStore {
    // The same operations with no event, for callers that record none (tests, maintenance).
    public func rotateRefreshToken(tenantID: String, digest: String, now: Date, successor: RefreshToken) async throws -> RefreshTokenRotation {
        return try await rotateRefreshToken(tenantID: tenantID, digest: digest, now: now, successor: successor, events: [])
    }

    @discardableResult
    public func revokeRefreshTokenFamily(tenantID: String, familyID: String, at: Date) async throws -> Int {
        return try await revokeRefreshTokenFamily(tenantID: tenantID, familyID: familyID, at: at, events: [])
    }

    @discardableResult
    public func revokeRefreshTokens(tenantID: String, userID: String, at: Date) async throws -> Int {
        return try await revokeRefreshTokens(tenantID: tenantID, userID: userID, at: at, events: [])
    }
}
