import Foundation

/// Counts failed logins per user, for the account lockout. The policy (how many failures lock an
/// account, for how long) belongs to the login layer; the store only counts and remembers, and
/// does so atomically, because a brute-force attack arrives as concurrent requests.
public protocol LoginAttemptStore: Sendable {
    /// Counts one failed login at `at`, as one atomic step.
    ///
    /// A failure after a lock has run out (``LoginLockState/lockedUntil`` ≤ `at`) starts a new
    /// count at 1 and clears the lock: the attacker waited the lock out, and should get the same
    /// number of tries again, not be locked again by the first mistake.
    ///
    /// - Returns: the number of consecutive failures including this one. N concurrent calls on one
    ///   user return N distinct numbers.
    /// - Throws: ``StoreError/invalidInput(_:)`` if the user does not exist in the tenant.
    func recordFailure(tenantID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Int

    /// Clears the failure count and any lock: after a successful login or an unlock link.
    func reset(tenantID: String, userID: String, events: [DomainEvent]) async throws

    /// Locks the user's logins until `until`, keeping the failure count.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if the user does not exist in the tenant.
    func lock(tenantID: String, userID: String, until: Date, events: [DomainEvent]) async throws

    /// The user's failure count and lock; zero failures and no lock for an unknown user.
    func lockState(tenantID: String, userID: String) async throws -> LoginLockState
}

extension LoginAttemptStore {
    // The same operations with no event, for callers that record none (tests, maintenance).
    public func recordFailure(tenantID: String, userID: String, at: Date) async throws -> Int {
        return try await recordFailure(tenantID: tenantID, userID: userID, at: at, events: [])
    }

    public func reset(tenantID: String, userID: String) async throws {
        try await reset(tenantID: tenantID, userID: userID, events: [])
    }

    public func lock(tenantID: String, userID: String, until: Date) async throws {
        try await lock(tenantID: tenantID, userID: userID, until: until, events: [])
    }
}
