import Foundation

/// A user's standing against the brute-force lockout, as ``LoginAttemptStore`` keeps it.
public struct LoginLockState: Sendable, Hashable {
    /// Failed password attempts since the last ``LoginAttemptStore/reset(tenantID:userID:)``.
    public var consecutiveFailures: Int
    /// The end of the lock set by ``LoginAttemptStore/lock(tenantID:userID:until:)``, if any.
    /// A date in the past means the lock has run out.
    public var lockedUntil: Date?

    public init(consecutiveFailures: Int = 0, lockedUntil: Date? = nil) {
        self.consecutiveFailures = consecutiveFailures
        self.lockedUntil = lockedUntil
    }

    /// Whether a login at `now` must be refused because of the lock.
    public func isLocked(at now: Date) -> Bool {
        guard let lockedUntil else {
            return false
        }
        return lockedUntil > now
    }
}
