import Foundation

/// Single-use tokens for emailed links. Tokens are looked up by the SHA-256 digest of the token in
/// the link (see ``EmailToken/digest``); the store never sees the token itself.
public protocol EmailTokenStore: Sendable {
    /// Stores a new, unused token.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if `digest` is not 64 lowercase hex characters or
    ///   the user does not exist in the tenant; ``StoreError/conflict(_:)`` if the digest is
    ///   already stored.
    func createEmailToken(_ token: EmailToken) async throws

    /// Uses the token up, as one atomic step: of any number of concurrent calls with the same
    /// digest, at most one gets the token back.
    ///
    /// - Returns: the token, with `usedAt` set to `now`, if it exists in the tenant, has
    ///   `purpose`, is unused and expires after `now`; otherwise `nil`, and nothing changes.
    func consumeEmailToken(
        tenantID: String, digest: String, purpose: EmailTokenPurpose, now: Date
    ) async throws -> EmailToken?

    /// Deletes the user's unused tokens for `purpose`, so older links stop working: after a
    /// password reset, the other reset links in the user's mailbox must not work any more.
    ///
    /// - Returns: how many tokens were deleted.
    @discardableResult
    func deleteUnusedEmailTokens(tenantID: String, userID: String, purpose: EmailTokenPurpose) async throws -> Int

    /// Deletes, across all tenants, tokens that expire at or before `before`, used or not.
    ///
    /// - Returns: how many tokens were deleted.
    @discardableResult
    func deleteExpiredEmailTokens(before: Date) async throws -> Int
}
