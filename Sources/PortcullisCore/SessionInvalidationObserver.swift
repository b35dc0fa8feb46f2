/// Told when sessions end in this process, after the store records it.
///
/// The forward-auth resolver keeps recently checked sessions in memory; whoever ends a session or
/// blocks a user (hosted pages, OAuth logout, the management API) tells it here, so the next
/// resolve asks the store and refuses the session at once instead of when the cache entry runs out.
/// Defined here, not in ForwardAuth, so that any module can end sessions without importing it.
public protocol SessionInvalidationObserver: Sendable {
    /// One session ended; `digest` is the stored SHA-256 of its cookie token, 64 lowercase hex.
    func sessionEnded(tenantID: String, digest: String)
    /// Every session of a user ended, or the user can no longer log in (blocked, deleted).
    func userSessionsEnded(tenantID: String, userID: String)
}

/// For callers with no cache of sessions (the CLI, which runs in its own process).
public struct NoSessionInvalidationObserver: SessionInvalidationObserver {
    public init() {}
    public func sessionEnded(tenantID: String, digest: String) {}
    public func userSessionsEnded(tenantID: String, userID: String) {}
}
