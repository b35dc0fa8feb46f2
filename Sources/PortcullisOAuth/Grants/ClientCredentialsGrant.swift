import Foundation
import PortcullisConfig
import PortcullisCore

/// `grant_type=client_credentials` (RFC 6749 §4.4): a client gets a token for itself, only for
/// audiences and scopes its `client_grants` give it.
public struct ClientCredentialsGrant: Grant {
    public static let grantType = ClientConfig.GrantType.clientCredentials

    public func handle(_ request: TokenRequest, in context: GrantContext) async throws(OAuthError) -> TokenResponse {
        let client = request.client
        guard !client.config.type.isPublic else {
            throw .unauthorizedClient("public clients cannot use client_credentials")
        }
        let grants = context.tenant.config.clientGrants.filter { $0.clientID?.value.value == client.id }
        let audienceParameter = try request.parameters.single("audience")
        let resourceParameter = try request.parameters.single("resource")
        let requestedAudience = audienceParameter ?? resourceParameter
        let audience: String
        if let requestedAudience {
            audience = requestedAudience
        } else if grants.count == 1, let only = grants[0].audience?.value {
            audience = only
        } else {
            throw .invalidRequest("audience is required: name the API the token is for")
        }
        guard let grant = grants.first(where: { $0.audience?.value == audience }),
              let resourceServer = context.resourceServer(audience) else {
            throw OAuthError(.accessDenied, "the client has no grant for audience \(audience)", status: 403)
        }
        let allowed = grant.scopes.map(\.value)
        let requested = request.parameters.list("scope")
        let notGranted = requested.filter { !allowed.contains($0) }
        guard notGranted.isEmpty else {
            throw .invalidScope("the client has not been granted: \(notGranted.joined(separator: " "))")
        }
        let scopes = requested.isEmpty ? allowed : requested
        let hookClaims = try await context.hooks.credentialsExchange(TokenHookRequest(
            tenant: context.tenant, user: nil, clientID: client.id, scopes: scopes, audience: audience,
            grantType: "client_credentials", request: context.request))
        let permissions = resourceServer.tokenDialect == .accessTokenAuthz ? scopes : nil
        let access = try context.minter.accessToken(.init(
            subject: client.id + "@clients", client: client.config, resourceServer: resourceServer, scopes: scopes,
            permissions: permissions), extraClaims: hookClaims.accessToken, now: context.now)
        return TokenResponse(accessToken: access.token, expiresIn: access.expiresIn,
                             scope: scopes.isEmpty ? nil : scopes.joined(separator: " "))
    }
}
