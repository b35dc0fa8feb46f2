import Foundation
import PortcullisCrypto
import PortcullisStore

/// Turns an `Authorization: Bearer` access token of one tenant into an identity: signature by
/// one of the tenant's keys, `typ: at+jwt`, issuer and expiry (``AccessTokenVerifier``), then the
/// grant it was minted under (not revoked, as at userinfo and introspection), then the user (who
/// must still exist and not be blocked) and their roles in the token's organization.
/// Machine-to-machine tokens (`sub` = `<client_id>@clients`) name no user and give no identity.
///
/// Verified tokens are kept in the resolver's ``SessionCache`` until the cache's TTL or the
/// token's expiry, whichever is first, so a client repeating its token costs neither a signature
/// check nor a query; revoking the grant (``SessionCache`` is the token endpoint's
/// `GrantRevocationObserver`) or the user's sessions drops them at once.
public struct BearerTokenVerifier: Sendable {
    let accessTokens: AccessTokenVerifier
    let tenantID: String
    let storage: any ForwardAuthStorage
    let cache: SessionCache

    public init(accessTokens: AccessTokenVerifier, tenantID: String, storage: any ForwardAuthStorage,
                cache: SessionCache) {
        self.accessTokens = accessTokens
        self.tenantID = tenantID
        self.storage = storage
        self.cache = cache
    }

    public func identity(token: Substring, now: Date) async throws -> ForwardAuthIdentity? {
        let key = SecretDigest(of: token)
        // Access tokens have no idle timeout; the entry's own expiry is the token's.
        if let hit = cache.lookup(key, tenantID: tenantID, now: now, idleTimeout: .infinity) {
            return hit.entry.identity
        }
        let generation = cache.generation
        guard case .success(let claims) = accessTokens.verify(token, now: now), let userID = claims.userID
        else { return nil }
        if let grantID = claims.grantID,
           try await storage.isRefreshTokenFamilyRevoked(tenantID: tenantID, familyID: grantID) {
            return nil
        }
        guard let user = try await storage.user(tenantID: tenantID, id: userID), !user.blocked else { return nil }
        let roles = try await SubjectRoles.load(from: storage, tenantID: tenantID, userID: user.id)
        // The token acts in the organization it names; its name is known when the user belongs to it.
        let organizationName = claims.orgID.flatMap { id in roles.organizations.first { $0.id == id }?.name }
        let identity = ForwardAuthIdentity(
            userID: user.externalID, email: user.email, emailVerified: user.emailVerified, name: user.name,
            roles: roles.effective(in: claims.orgID), organizationID: claims.orgID, organizationName: organizationName,
            amr: [], authenticatedAt: claims.authTime.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        let expiry = Date(timeIntervalSince1970: TimeInterval(claims.exp))
        cache.store(key, SessionCache.Entry(
            tenantID: tenantID, userID: user.id, identity: identity, idleExpiresAt: expiry, absoluteExpiresAt: expiry,
            freshUntil: min(expiry, now.addingTimeInterval(cache.ttl)), touchedAt: .distantFuture,
            grantID: claims.grantID),
            ifGeneration: generation)
        return identity
    }
}
