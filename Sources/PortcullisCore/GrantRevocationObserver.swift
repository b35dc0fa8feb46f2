/// Told when an OAuth grant — a refresh-token family and every access token minted under it — is
/// revoked in this process, after the store records it.
///
/// Access tokens are self-contained JWTs, so whoever caches verified ones (the forward-auth
/// resolver) must hear of a revocation to stop honouring them on the very next request instead of
/// when its cache entry runs out.
public protocol GrantRevocationObserver: Sendable {
    func grantRevoked(tenantID: String, grantID: String)
}

/// For callers with no cache of access tokens.
public struct NoGrantRevocationObserver: GrantRevocationObserver {
    public init() {}
    public func grantRevoked(tenantID: String, grantID: String) {}
}
