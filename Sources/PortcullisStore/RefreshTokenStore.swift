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

    /// Spends the token and stores `successor`, in one transaction. Of concurrent calls with one
    /// digest at most one rotates; a spent token presented again revokes the family (`revokedAt`
    /// = `now` on every token with its ``RefreshToken/familyID``) and answers `.reused`.
    /// `successor` must have the same tenant, client, user and family.
    func rotateRefreshToken(
        tenantID: String, digest: String, now: Date, successor: RefreshToken
    ) async throws -> RefreshTokenRotation

    /// Revokes every token of the family at `at` (a replayed code, a detected reuse, RFC 7009
    /// revocation of a refresh token). - Returns: how many tokens were newly revoked.
    @discardableResult
    func revokeRefreshTokenFamily(tenantID: String, familyID: String, at: Date) async throws -> Int

    /// Revokes every refresh token of the user at `at` (password reset, block, "log out everywhere").
    @discardableResult
    func revokeRefreshTokens(tenantID: String, userID: String, at: Date) async throws -> Int

    /// Whether any token of the family has been revoked (access tokens of a revoked grant fail
    /// introspection).
    func isRefreshTokenFamilyRevoked(tenantID: String, familyID: String) async throws -> Bool

    /// Deletes, across all tenants, tokens whose absolute lifetime ended, or that were revoked or
    /// idle-expired, at or before `before`.
    @discardableResult
    func deleteExpiredRefreshTokens(before: Date) async throws -> Int
}
