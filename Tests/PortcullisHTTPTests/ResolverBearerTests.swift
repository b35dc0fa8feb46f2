import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisConfig
import PortcullisOAuth
import PortcullisStore
import Testing

/// Bearer access tokens at the resolver, minted by the same code the token endpoint uses.
@Suite("Forward-auth resolver with Bearer tokens")
struct ResolverBearerTests {
    func mint(_ server: TestServer, tenant id: String = "acme", subject: String, organization: String? = nil,
              now: Date = Date()) throws -> String {
        let tenant = try #require(server.configStore.snapshot.tenantsByID[id])
        let client = try #require(tenant.clients.values.first { $0.config.grantTypes.contains(.clientCredentials) }
            ?? tenant.clients.values.first)
        let grant = TokenMinter.AccessTokenGrant(subject: subject, client: client.config,
                                                 resourceServer: tenant.config.resourceServers.first, scopes: [],
                                                 organizationID: organization)
        return try TokenMinter(tenant: tenant).accessToken(grant, now: now).token
    }

    func resolve(_ client: some TestClientProtocol, _ url: String, token: String) async throws -> TestResponse {
        try await client.execute(uri: "/acme/_resolver/resolve", method: .get, headers: [
            HTTPField.Name("X-Original-URL")!: url, .authorization: "Bearer " + token,
        ])
    }

    @Test func userTokensGiveTheUsersIdentity() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await LoginFlowTests().createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            let token = try mint(server, subject: user.externalID, organization: "org_x")
            let allowed = try await resolve(client, "http://app.acme.test/dash", token: token)
            #expect(allowed.status == .ok)
            #expect(allowed.headers[HTTPField.Name("X-Portcullis-User-Id")!] == user.externalID)
            #expect(allowed.headers[HTTPField.Name("X-Portcullis-Email")!] == "alice@example.com")
            #expect(allowed.headers[HTTPField.Name("X-Portcullis-Org-Id")!] == "org_x")
            #expect(try await resolve(client, "http://app.acme.test/admin/", token: token).status == .forbidden)
        }
    }

    @Test func tokensThatNameNoValidUserAreRefused() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await LoginFlowTests().createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            let machine = try mint(server, subject: "acme-worker@clients")
            #expect(try await resolve(client, "http://app.acme.test/dash", token: machine).status == .unauthorized,
                    "a machine-to-machine token carries no user")
            let expired = try mint(server, subject: user.externalID, now: Date(timeIntervalSinceNow: -3 * 86_400))
            #expect(try await resolve(client, "http://app.acme.test/dash", token: expired).status == .unauthorized)
            let otherTenant = try mint(server, tenant: "globex", subject: user.externalID)
            #expect(try await resolve(client, "http://app.acme.test/dash", token: otherTenant).status == .unauthorized)
            let unknownUser = try mint(server, subject: "Username-Password-Authentication|usr_nobody")
            #expect(try await resolve(client, "http://app.acme.test/dash", token: unknownUser).status == .unauthorized)
            var tampered = try mint(server, subject: user.externalID)
            tampered.removeLast()
            #expect(try await resolve(client, "http://app.acme.test/dash", token: tampered).status == .unauthorized)
        }
    }

    @Test func revokedGrantsStopTheirAccessTokensAtOnce() async throws {
        try await TestServer.withRelyingParty { server, rp in
            // RFC 7009 revocation of the refresh token, after the access token was cached.
            let first = try await rp.spaTokens()
            let access = try #require(first["access_token"]?.stringValue)
            #expect(try await resolve(rp.client, "http://app.acme.test/dash", token: access).status == .ok)
            let refresh = try #require(first["refresh_token"]?.stringValue)
            let revoked = try await rp.token([("token", refresh), ("client_id", "acme-spa")], path: "/acme/oauth/revoke")
            #expect(revoked.status == .ok)
            #expect(try await resolve(rp.client, "http://app.acme.test/dash", token: access).status == .unauthorized)

            // Reuse detection on the refresh grant revokes the family, and with it the first access token.
            let second = try await rp.spaTokens()
            let secondAccess = try #require(second["access_token"]?.stringValue)
            let secondRefresh = try #require(second["refresh_token"]?.stringValue)
            #expect(try await resolve(rp.client, "http://app.acme.test/dash", token: secondAccess).status == .ok)
            #expect(try await rp.refresh(secondRefresh).status == .ok)
            #expect(try await rp.refresh(secondRefresh).json["error"] == "invalid_grant")
            #expect(try await resolve(rp.client, "http://app.acme.test/dash", token: secondAccess).status == .unauthorized)

            // Revoked by another process (no cache entry here to drop): the store is asked on a miss.
            let third = try await rp.spaTokens()
            let thirdAccess = try #require(third["access_token"]?.stringValue)
            let grantID = try #require(DecodedJWT(thirdAccess).claims["gid"]?.stringValue)
            _ = try await server.storage.revokeRefreshTokenFamily(tenantID: "acme", familyID: grantID, at: Date())
            #expect(try await resolve(rp.client, "http://app.acme.test/dash", token: thirdAccess).status == .unauthorized)
        }
    }
}
