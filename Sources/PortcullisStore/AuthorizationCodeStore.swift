import Foundation

/// Authorization codes, looked up by the SHA-256 digest of the code (the store never sees codes).
public protocol AuthorizationCodeStore: Sendable {
    /// Stores a new, unused code.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if `digest` is not 64 lowercase hex characters or
    ///   the user does not exist in the tenant; ``StoreError/conflict(_:)`` if the digest exists.
    func createAuthorizationCode(_ code: AuthorizationCode) async throws

    /// Spends the code, as one atomic step: of any number of concurrent calls with the same digest,
    /// exactly one gets ``AuthorizationCodeRedemption/redeemed(_:)``; the others get
    /// ``AuthorizationCodeRedemption/replayed(_:)``. An unknown code, an unused one past its expiry
    /// (`now` equal to ``AuthorizationCode/expiresAt`` counts as expired) or one whose user is
    /// blocked is `.invalid` and stays unused. A spent code stays `.replayed`, even past its expiry,
    /// until ``deleteExpiredAuthorizationCodes(before:)`` removes it.
    func redeemAuthorizationCode(tenantID: String, digest: String, now: Date) async throws -> AuthorizationCodeRedemption

    /// Deletes, across all tenants, codes that expired at or before `before`, used or not.
    /// Deleting a user deletes their codes too.
    @discardableResult
    func deleteExpiredAuthorizationCodes(before: Date) async throws -> Int
}
