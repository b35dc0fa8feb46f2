import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import Testing

@Suite("Token, userinfo, revocation and introspection endpoints")
struct TokenEndpointTests {
    @Test func clientCredentialsGetsOnlyGrantedScopesOverJSON() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            func post(_ body: JSONValue) async throws -> (HTTPResponse.Status, JSONValue) {
                let response = try await client.execute(
                    uri: "/acme/oauth/token", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(data: try JSONEncoder().encode(body)))
                return (response.status, try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body)))
            }
            let base: [String: JSONValue] = ["grant_type": "client_credentials", "client_id": "acme-worker",
                                             "client_secret": .string(RelyingParty.workerSecret),
                                             "audience": "https://api.acme.test"]
            let (status, json) = try await post(.object(base))
            #expect(status == .ok, "\(json)")
            #expect(json["scope"] == "read:orders write:orders")
            let access = try DecodedJWT(try #require(json["access_token"]?.stringValue))
            #expect(access.header["typ"] == "at+jwt")
            #expect(access.header["alg"] == "RS256")
            #expect(access.claims["sub"] == "acme-worker@clients")
            #expect(access.claims["aud"] == "https://api.acme.test")
            #expect(access.claims["permissions"] == ["read:orders", "write:orders"])
            #expect(access.claims["jti"]?.stringValue != nil)

            var tooMuch = base
            tooMuch["scope"] = "read:orders admin:reports"
            let (refusedStatus, refused) = try await post(.object(tooMuch))
            #expect(refusedStatus == .badRequest)
            #expect(refused["error"] == "invalid_scope")

            var otherAPI = base
            otherAPI["audience"] = "https://unknown.example"
            #expect(try await post(.object(otherAPI)).0 == .forbidden)

            var wrongSecret = base
            wrongSecret["client_secret"] = "acme-worker-wrong-secret"
            #expect(try await post(.object(wrongSecret)).0 == .unauthorized)

            var spa = base
            spa["client_id"] = "acme-spa"
            spa["client_secret"] = nil
            let (spaStatus, spaJSON) = try await post(.object(spa))
            #expect(spaStatus == .badRequest)
            #expect(spaJSON["error"] == "unauthorized_client")
        }
    }

    @Test func enforcedPoliciesGiveScopesOnlyThroughRoles() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await server.createAcmeUser()
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let audience = [("audience", "https://api.acme.test")]
            let scope = "openid read:orders admin:reports custom:thing"
            let without = try DecodedJWT(try #require(try await rp.spaTokens(scope: scope, extra: audience)["access_token"]?.stringValue))
            #expect(without.claims["scope"] == "openid custom:thing")
            #expect(without.claims["permissions"] == [])

            _ = try await server.storage.assignRole(tenantID: "acme", userID: user.id, role: "viewer", organizationID: nil, at: Date())
            let viewer = try DecodedJWT(try #require(try await rp.spaTokens(scope: scope, extra: audience)["access_token"]?.stringValue))
            #expect(viewer.claims["scope"] == "openid read:orders custom:thing")
            #expect(viewer.claims["permissions"] == ["read:orders"])
            #expect(viewer.claims["aud"] == .array(["https://api.acme.test", .string(RelyingParty.issuer + "/userinfo")]))
        }
    }

    @Test func userinfoRefusesBadTokensWithBearerChallenge() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            let bad = try await client.execute(uri: "/acme/userinfo", method: .get, headers: [.authorization: "Bearer abc.def.ghi"])
            #expect(bad.status == .unauthorized)
            #expect(bad.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true)
            let none = try await client.execute(uri: "/acme/userinfo", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=") == true)

            // A client token is not for userinfo.
            let machine = try await client.execute(
                uri: "/acme/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: Browser.form([("grant_type", "client_credentials"), ("client_id", "acme-worker"),
                                    ("client_secret", RelyingParty.workerSecret)]))
            let token = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(buffer: machine.body))["access_token"]?.stringValue)
            let refused = try await client.execute(uri: "/acme/userinfo", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(refused.status == .unauthorized)
        }
    }

    @Test func revocationAndIntrospection() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let tokens = try await rp.spaTokens()
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            let access = try #require(tokens["access_token"]?.stringValue)
            let web = ("acme-web", RelyingParty.webSecret)

            let active = try await rp.token([("token", access)], basic: web, path: "/acme/oauth/introspect")
            #expect(active.json["active"] == true)
            #expect(active.json["client_id"] == "acme-spa")
            let foreignRefresh = try await rp.token([("token", refresh)], basic: web, path: "/acme/oauth/introspect")
            #expect(foreignRefresh.json == ["active": false], "a client learns nothing about other clients' refresh tokens")
            let publicCaller = try await rp.token([("token", access), ("client_id", "acme-spa")], path: "/acme/oauth/introspect")
            #expect(publicCaller.status == .unauthorized)

            let revoked = try await rp.token([("token", refresh), ("client_id", "acme-spa")], path: "/acme/oauth/revoke")
            #expect(revoked.status == .ok)
            let unknown = try await rp.token([("token", "not-a-token"), ("client_id", "acme-spa")], path: "/acme/oauth/revoke")
            #expect(unknown.status == .ok)
            let refreshed = try await rp.refresh(refresh)
            #expect(refreshed.json["error"] == "invalid_grant")
            let afterRevoke = try await rp.token([("token", access)], basic: web, path: "/acme/oauth/introspect")
            #expect(afterRevoke.json == ["active": false], "revoking the grant retires its access tokens")
        }
    }

    @Test func rpInitiatedLogoutEndsTheSessionAndRedirectsWithState() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let tokens = try await rp.spaTokens(scope: "openid")
            let idToken = try #require(tokens["id_token"]?.stringValue)
            let unregistered = try await rp.get("/acme/oidc/logout?" + RelyingParty.query([
                ("id_token_hint", idToken), ("post_logout_redirect_uri", "https://evil.example/"),
            ]))
            #expect(unregistered.status == .badRequest)
            #expect(unregistered.headers[.location] == nil)

            let logout = try await rp.get("/acme/oidc/logout?" + RelyingParty.query([
                ("id_token_hint", idToken), ("post_logout_redirect_uri", "http://127.0.0.1:8081/logged-out"), ("state", "bye"),
            ]))
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.location] == "http://127.0.0.1:8081/logged-out?state=bye")
            let pkce = RelyingParty.pkce()
            let after = try await rp.get("/acme/authorize?" + RelyingParty.query(
                RelyingParty.spaRequest(state: "x", challenge: pkce.challenge, [("prompt", "none")])))
            #expect(RelyingParty.parameters(of: after.headers[.location])["error"] == "login_required")
        }
    }

    @Test func corsForAllowedWebOrigins() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            let allowed = try await client.execute(uri: "/acme/oauth/token", method: .options,
                                                   headers: [.origin: "http://127.0.0.1:8081"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "http://127.0.0.1:8081")
            let other = try await client.execute(uri: "/acme/oauth/token", method: .options,
                                                 headers: [.origin: "https://evil.example"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
