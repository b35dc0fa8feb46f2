import PortcullisStore

/// Finds a refresh token in any state — spent, revoked or expired — so the refresh grant can tell
/// a reuse (revoke the family) from a token that was simply never valid.
public protocol RefreshTokenLookup: Sendable {
    func refreshTokenRecord(tenantID: String, digest: String) async throws -> RefreshToken?
}
