import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// The userinfo endpoint's logic (OIDC Core §5.3): the claims the access token's scopes release.
public struct UserInfo: Sendable {
    public let tenant: Tenant
    public let verifier: AccessTokenVerifier
    public let storage: any OAuthStorage

    public init(tenant: Tenant, storage: any OAuthStorage) {
        self.tenant = tenant
        self.verifier = tenant.accessTokenVerifier
        self.storage = storage
    }

    /// The claims, or `invalid_token` (401) / `insufficient_scope` (403).
    public func claims(accessToken: String, now: Date) async throws(OAuthError) -> [String: JSONValue] {
        let claims = try await ActiveAccessToken.check(accessToken, verifier: verifier, storage: storage,
                                                       tenantID: tenant.id, now: now)
        guard claims.aud.contains(tenant.issuer.text + "/userinfo") else {
            throw .invalidToken("the access token is not for the userinfo endpoint")
        }
        guard claims.scopes.contains("openid") else {
            throw OAuthError(.insufficientScope, "the access token lacks the openid scope")
        }
        guard let userID = claims.userID else { throw .invalidToken("the access token has no user") }
        let user: User?
        do { user = try await storage.user(tenantID: tenant.id, id: userID) } catch { throw OAuthError.unavailable }
        guard let user, !user.blocked else { throw .invalidToken("the user no longer exists or is blocked") }
        var result = UserClaims.claims(of: user, scopes: claims.scopes)
        if let org = claims.orgID { result["org_id"] = .string(org) }
        return result
    }
}

/// An access token that verifies and whose grant has not been revoked.
public enum ActiveAccessToken {
    public static func check(_ token: String, verifier: AccessTokenVerifier, storage: any OAuthStorage,
                             tenantID: String, now: Date) async throws(OAuthError) -> AccessTokenClaims {
        let claims: AccessTokenClaims
        switch verifier.verify(token, now: now) {
        case .success(let verified): claims = verified
        case .failure(.expired): throw .invalidToken("the access token expired")
        case .failure: throw .invalidToken("the access token is invalid")
        }
        if let grantID = claims.grantID {
            let revoked: Bool
            do { revoked = try await storage.isRefreshTokenFamilyRevoked(tenantID: tenantID, familyID: grantID) } catch {
                throw OAuthError.unavailable
            }
            if revoked { throw .invalidToken("the access token's grant was revoked") }
        }
        return claims
    }
}
