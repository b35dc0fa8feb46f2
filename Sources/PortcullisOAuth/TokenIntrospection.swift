import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Token introspection (RFC 7662) and revocation (RFC 7009) for an authenticated client.
public struct TokenIntrospection: Sendable {
    public let tenant: Tenant
    public let storage: any OAuthStorage
    let grantRevocation: GrantRevocation

    public init(tenant: Tenant, storage: any OAuthStorage,
                revocationObserver: any GrantRevocationObserver = NoGrantRevocationObserver()) {
        self.tenant = tenant
        self.storage = storage
        self.grantRevocation = GrantRevocation(grants: storage, observer: revocationObserver)
    }

    /// RFC 7662 §2.2. Inactive, unknown and foreign tokens all answer only `{"active": false}`.
    public func introspect(_ token: String, hint: String?, caller: Client, now: Date) async throws(OAuthError) -> [String: JSONValue] {
        let inactive: [String: JSONValue] = ["active": false]
        if hint != "access_token", let refresh = try await refreshToken(token, now: now) {
            // A client may only learn about its own refresh tokens.
            guard refresh.clientID == caller.id else { return inactive }
            var answer: [String: JSONValue] = [
                "active": true, "token_type": "refresh_token", "client_id": .string(refresh.clientID),
                "scope": .string(refresh.scopes.joined(separator: " ")),
                "exp": .int(Int(min(refresh.expiresAt, refresh.absoluteExpiresAt).timeIntervalSince1970)),
                "iat": .int(Int(refresh.createdAt.timeIntervalSince1970)), "iss": .string(tenant.issuer.text),
            ]
            if let user = try? await storage.user(tenantID: tenant.id, id: refresh.userID) {
                answer["sub"] = .string(user.externalID)
            }
            return answer
        }
        guard let claims = try? await ActiveAccessToken.check(token, verifier: tenant.accessTokenVerifier, storage: storage,
                                                             tenantID: tenant.id, now: now) else { return inactive }
        var answer: [String: JSONValue] = [
            "active": true, "token_type": "Bearer", "client_id": .string(claims.clientID), "sub": .string(claims.sub),
            "exp": .int(claims.exp), "iat": .int(claims.iat), "iss": .string(claims.iss), "jti": .string(claims.jti),
            "aud": claims.aud.count == 1 ? .string(claims.aud[0]) : .array(claims.aud.map(JSONValue.string)),
        ]
        if let scope = claims.scope { answer["scope"] = .string(scope) }
        if let permissions = claims.permissions { answer["permissions"] = .array(permissions.map(JSONValue.string)) }
        if let org = claims.orgID { answer["org_id"] = .string(org) }
        return answer
    }

    /// RFC 7009 §2.1: revoking a refresh token revokes its whole grant; revoking an access token
    /// revokes the grant it came from (stateless client tokens cannot be revoked and are left to
    /// expire). Unknown tokens and other clients' tokens are ignored: the answer is always success.
    public func revoke(_ token: String, caller: Client, now: Date) async throws(OAuthError) {
        do {
            let digest = SecretDigest(of: token).hex
            if let refresh = try await storage.refreshTokenRecord(tenantID: tenant.id, digest: digest) {
                guard refresh.clientID == caller.id else { return }
                try await grantRevocation.revoke(tenantID: tenant.id, grantID: refresh.familyID, at: now,
                                                 events: [revoked(refresh.familyID, user: refresh.userID, by: caller, now: now)])
                return
            }
            if case .success(let claims) = tenant.accessTokenVerifier.verify(token, now: now),
               claims.clientID == caller.id, let grantID = claims.grantID {
                try await grantRevocation.revoke(tenantID: tenant.id, grantID: grantID, at: now,
                                                 events: [revoked(grantID, user: nil, by: caller, now: now)])
            }
        } catch {
            throw OAuthError.unavailable
        }
    }

    private func refreshToken(_ token: String, now: Date) async throws(OAuthError) -> RefreshToken? {
        // Access tokens are JWTs (they contain dots); refresh tokens are base64url without dots.
        guard !token.contains(".") else { return nil }
        do {
            return try await storage.refreshToken(tenantID: tenant.id, digest: SecretDigest(of: token).hex, now: now)
        } catch {
            throw OAuthError.unavailable
        }
    }

    private func revoked(_ grantID: String, user: String?, by caller: Client, now: Date) -> DomainEvent {
        DomainEvent(.grantRevoked, tenantID: tenant.id, subject: user.map { .user($0) }, actor: .client(caller.id), at: now,
                    details: ["grant_id": grantID, "reason": "revocation_endpoint"])
    }
}
