import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Mints the token response for a user — shared by the authorization code and refresh grants,
/// so both compute scopes, permissions and claims the same way.
struct UserTokens {
    var user: User
    var client: ClientConfig
    var scopes: [String]
    var audience: String?
    var organizationID: String?
    var nonce: String?
    var authTime: Date
    var amr: [String]
    var sessionDigest: String?
    var grantID: String
    /// The claims `post_login` hooks gave at the login (the code grant); nil on a refresh, where
    /// the hooks run again.
    var loginClaims: HookClaims?

    /// Permissions come from the user's roles (tenant-wide plus the organization's) and direct
    /// grants as they are now, so a role or grant change applies at the next refresh.
    func response(in context: GrantContext, refreshToken: String?) async throws(OAuthError) -> TokenResponse {
        let resourceServer = context.resourceServer(audience)
        var permissions: [String]?
        if let resourceServer, resourceServer.tokenDialect == .accessTokenAuthz {
            permissions = try await context.store {
                try await HeldPermissions.load(userID: user.id, organizationID: organizationID, on: resourceServer,
                                               tenant: context.tenant, storage: context.storage)
            }
        }
        var hookClaims: HookClaims
        if let loginClaims {
            hookClaims = loginClaims
        } else {
            hookClaims = try await context.hooks.postLogin(TokenHookRequest(
                tenant: context.tenant, user: user, clientID: client.clientID.value, scopes: scopes, audience: audience,
                organizationID: organizationID, grantType: "refresh_token", request: context.request))
        }
        // `org_name` beside `org_id`, as Auth0 adds it, so APIs can show or match the name without
        // a lookup; read now, so a renamed organization shows its new name at the next refresh.
        if let organizationID {
            let tenantID = context.tenant.id
            let storage = context.storage
            if let organization = try await context.store({
                try await storage.organization(tenantID: tenantID, id: organizationID)
            }) {
                hookClaims.accessToken["org_name"] = .string(organization.name)
                hookClaims.idToken["org_name"] = .string(organization.name)
            }
        }
        let minter = context.minter
        let access = try minter.accessToken(.init(
            subject: user.externalID, client: client, resourceServer: resourceServer, scopes: scopes,
            permissions: permissions, organizationID: organizationID, sessionDigest: sessionDigest,
            grantID: grantID, authTime: authTime), extraClaims: hookClaims.accessToken, now: context.now)
        var idToken: String?
        if scopes.contains("openid") {
            idToken = try minter.idToken(.init(
                user: user, client: client, scopes: scopes, nonce: nonce, authTime: authTime, amr: amr,
                sessionDigest: sessionDigest, organizationID: organizationID, accessToken: access.token),
                extraClaims: hookClaims.idToken, now: context.now)
        }
        return TokenResponse(accessToken: access.token, expiresIn: access.expiresIn, refreshToken: refreshToken,
                             idToken: idToken, scope: scopes.joined(separator: " "))
    }

    /// A new refresh token of this grant: the plain token for the client and the record to store.
    static func makeRefreshToken(from template: RefreshToken) -> (plain: String, record: RefreshToken) {
        let plain = RandomToken.make()
        var record = template
        record.digest = SecretDigest(of: plain).hex
        return (plain, record)
    }
}
