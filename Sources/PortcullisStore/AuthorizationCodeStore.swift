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
    /// ``AuthorizationCodeRedemption/replayed(_:)``. An expired or unknown code is `.invalid`.
    func redeemAuthorizationCode(tenantID: String, digest: String, now: Date) async throws -> AuthorizationCodeRedemption

    /// Deletes, across all tenants, codes that expired at or before `before`, used or not.
    @discardableResult
    func deleteExpiredAuthorizationCodes(before: Date) async throws -> Int
}
