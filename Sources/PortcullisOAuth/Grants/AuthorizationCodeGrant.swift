import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3).
public struct AuthorizationCodeGrant: Grant {
    public static let grantType = ClientConfig.GrantType.authorizationCode

    public func handle(_ request: TokenRequest, in context: GrantContext) async throws(OAuthError) -> TokenResponse {
        let parameters = request.parameters
        guard let presented = try parameters.single("code") else { throw .invalidRequest("code is required") }
        let redirectURI = try parameters.single("redirect_uri")
        let verifier = try parameters.single("code_verifier")
        let tenantID = context.tenant.id
        let digest = SecretDigest(of: presented).hex

        let redemption = try await context.store {
            try await context.storage.redeemAuthorizationCode(tenantID: tenantID, digest: digest, now: context.now)
        }
        let code: AuthorizationCode
        switch redemption {
        case .invalid:
            throw .invalidGrant("the authorization code is invalid or expired")
        case .replayed(let used):
            // RFC 6749 §4.1.2: a code used twice revokes the tokens issued with it.
            _ = try await context.store {
                try await context.grantRevocation.revoke(tenantID: tenantID, grantID: used.grantID, at: context.now, events: [
                    DomainEvent(.grantRevoked, tenantID: tenantID, subject: .user(used.userID),
                                actor: .client(request.client.id), request: context.request, at: context.now,
                                details: ["grant_id": used.grantID, "reason": "authorization_code_replayed"]),
                ])
            }
            throw .invalidGrant("the authorization code was already used; the tokens issued with it are revoked")
        case .redeemed(let fresh):
            code = fresh
        }
        // Checked after redeeming: a code presented by the wrong client or with the wrong verifier
        // is spent all the same, so an attacker gets one try, not unlimited guesses.
        guard code.clientID == request.client.id else {
            throw .invalidGrant("the authorization code was issued to another client")
        }
        // RFC 6749 §4.1.3: redirect_uri must be identical when the authorization request had one.
        if !code.redirectURI.isEmpty || redirectURI != nil {
            guard redirectURI == code.redirectURI else {
                throw .invalidGrant("redirect_uri does not match the authorization request")
            }
        }
        if let challenge = code.codeChallenge {
            guard let verifier else { throw .invalidGrant("code_verifier is required (PKCE)") }
            guard PKCE.verify(verifier: verifier, challenge: challenge, method: code.codeChallengeMethod ?? "plain") else {
                throw .invalidGrant("code_verifier does not match the code_challenge")
            }
        } else if verifier != nil {
            // RFC 9700 §2.1.1: a verifier without a challenge means the request was tampered with.
            throw .invalidGrant("code_verifier sent, but the authorization request had no code_challenge")
        }
        let user = try await context.store { try await context.storage.user(tenantID: tenantID, id: code.userID) }
        guard let user, !user.blocked else { throw .invalidGrant("the user can no longer log in") }

        var refreshPlain: String?
        if code.scopes.contains("offline_access"), request.client.config.grantTypes.contains(.refreshToken) {
            let settings = request.client.config.refreshToken
            let idle = context.now.addingTimeInterval(TimeInterval(settings.idleLifetime.components.seconds))
            let absolute = context.now.addingTimeInterval(TimeInterval(settings.absoluteLifetime.components.seconds))
            let minted = UserTokens.makeRefreshToken(from: RefreshToken(
                digest: "", tenantID: tenantID, clientID: code.clientID, userID: user.id, familyID: code.grantID,
                scopes: code.scopes, audience: code.audience, organizationID: code.organizationID,
                sessionDigest: code.sessionDigest, authTime: code.authTime, amr: code.amr, createdAt: context.now,
                expiresAt: min(idle, absolute), absoluteExpiresAt: absolute))
            try await context.store { try await context.storage.createRefreshToken(minted.record) }
            refreshPlain = minted.plain
        }
        let tokens = UserTokens(user: user, client: request.client.config, scopes: code.scopes, audience: code.audience,
                                organizationID: code.organizationID, nonce: code.nonce, authTime: code.authTime,
                                amr: code.amr, sessionDigest: code.sessionDigest, grantID: code.grantID,
                                loginClaims: code.hookClaimsJSON.map(HookClaims.init(json:)) ?? HookClaims())
        return try await tokens.response(in: context, refreshToken: refreshPlain)
    }
}
