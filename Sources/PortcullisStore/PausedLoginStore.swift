import Foundation

/// Logins paused for a hook's form (``PausedLogin``), looked up by the digest of their ticket.
public protocol PausedLoginStore: Sendable {
    /// Stores a paused login.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if a digest is not 64 lowercase hex characters or
    ///   the user does not exist in the tenant; ``StoreError/conflict(_:)`` if the digest is stored.
    func createPausedLogin(_ login: PausedLogin) async throws

    /// The paused login, if it exists in the tenant and expires after `now` (a form shown again
    /// with errors keeps its ticket).
    func pausedLogin(tenantID: String, digest: String, now: Date) async throws -> PausedLogin?

    /// Takes the paused login, as one atomic step: of any number of concurrent calls with the same
    /// digest, at most one gets it back; it is gone afterwards.
    func consumePausedLogin(tenantID: String, digest: String, now: Date) async throws -> PausedLogin?

    /// Deletes, across all tenants, paused logins that expire at or before `before`.
    ///
    /// - Returns: how many were deleted.
    @discardableResult
    func deleteExpiredPausedLogins(before: Date) async throws -> Int
}
