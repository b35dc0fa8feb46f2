import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisOAuth
import Testing

/// `forward_auth.identity_token`: the signed JWT of the identity that allowed answers carry.
@Suite("Forward-auth resolver identity token")
struct ResolverIdentityTokenTests {
    let flows = LoginFlowTests()
    let endpoint = ResolverEndpointTests()
    static let tokenHeader = "X-Portcullis-Identity-Token"

    /// The example config with the identity token on (lifetime 2m) and an informational rule.
    func enable(_ server: TestServer, lifetime: String = "2m") async throws {
        try server.edit("config/tenants/acme.yaml") { text in
            text.replacingOccurrences(of: "  allowed_return_hosts: [app.acme.test]\n", with: """
                  allowed_return_hosts: [app.acme.test]
                  identity_token: {enabled: true, lifetime: \(lifetime)}

                """)
            .replacingOccurrences(of: "access_rules:\n", with: """
                access_rules:
                  - name: info
                    hosts: [info.acme.test]
                    policy: authenticated
                    mode: informational

                """)
        }
        #expect(await server.reloader.reload(reason: "test") == true)
    }

    func claims(_ token: String) throws -> [String: JSONValue] {
        let parts = try #require(JWS.parse(token))
        guard case .object(let claims) = try JSONDecoder().decode(JSONValue.self, from: parts.payload) else {
            Issue.record("claims are not an object")
            return [:]
        }
        return claims
    }

    func tenant(_ server: TestServer) throws -> Tenant {
        try #require(server.configStore.snapshot.tenantsByID["acme"])
    }

    @Test func disabledByDefault() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await flows.createUser(server)
        #expect(try tenant(server).config.forwardAuth.identityToken == IdentityTokenSettings())
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let cookie = try await flows.logIn(client, &browser)
            let allowed = try await endpoint.resolve(client, "http://app.acme.test/dash", cookie: cookie)
            #expect(allowed.status == .ok)
            #expect(endpoint.header(allowed, "X-Portcullis-User-Id") != nil)
            #expect(endpoint.header(allowed, Self.tokenHeader) == nil)
        }
    }

    @Test func signedTokenOfTheSessionsIdentity() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        try await enable(server)
        let key = try #require(try tenant(server).activeKeys.first)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let cookie = try await flows.logIn(client, &browser)
            let before = Int(Date().timeIntervalSince1970)
            let allowed = try await endpoint.resolve(client, "http://app.acme.test/dash?x=1", cookie: cookie)
            #expect(allowed.status == .ok)
            let token = try #require(endpoint.header(allowed, Self.tokenHeader))
            let parts = try #require(JWS.parse(token))
            #expect(parts.isSigned(by: key.verificationKey))
            #expect(parts.type == "portcullis-identity+jwt")
            #expect(parts.keyID == key.kid)

            let claims = try claims(token)
            #expect(claims["iss"] == "http://localhost/acme")
            #expect(claims["sub"] == .string(user.externalID))
            #expect(claims["sub"]?.stringValue == endpoint.header(allowed, "X-Portcullis-User-Id"))
            #expect(claims["aud"] == "http://app.acme.test", "the protected application's origin")
            guard case .int(let iat)? = claims["iat"], case .int(let exp)? = claims["exp"] else {
                Issue.record("iat and exp must be integers")
                return
            }
            #expect(iat >= before - 1 && iat <= Int(Date().timeIntervalSince1970) + 1)
            #expect(exp - iat == 120, "lifetime 2m")
            #expect(claims["jti"]?.stringValue?.isEmpty == false)
            #expect(claims["email"] == "alice@example.com")
            #expect(claims["email_verified"] == false)
            #expect(claims["roles"] == [])
            #expect(claims["amr"] == ["pwd"])
            guard case .int(let authTime)? = claims["auth_time"] else {
                Issue.record("auth_time must be an integer")
                return
            }
            #expect(String(authTime) == endpoint.header(allowed, "X-Portcullis-Authenticated-At"))
            #expect(claims["org_id"] == nil, "sessions act in no organization")

            // Reused while more than half of the lifetime is left: no signature per request.
            let again = try await endpoint.resolve(client, "http://app.acme.test/other", cookie: cookie)
            #expect(endpoint.header(again, Self.tokenHeader) == token)

            // Another origin is another audience, so another token.
            let port = try await endpoint.resolve(client, "http://app.acme.test:8000/dash", cookie: cookie)
            let portToken = try #require(endpoint.header(port, Self.tokenHeader))
            #expect(portToken != token)
            #expect(try self.claims(portToken)["aud"] == "http://app.acme.test:8000")
            let https = try await endpoint.resolve(client, "https://APP.acme.test:443/dash", cookie: cookie)
            #expect(try self.claims(try #require(endpoint.header(https, Self.tokenHeader)))["aud"]
                == "https://app.acme.test")

            // Informational mode with a valid session carries it too; no identity, no token.
            let info = try await endpoint.resolve(client, "http://info.acme.test/", cookie: cookie)
            #expect(endpoint.header(info, "X-Portcullis-Session-Valid") == "true")
            #expect(try self.claims(try #require(endpoint.header(info, Self.tokenHeader)))["aud"]
                == "http://info.acme.test")
            let anonymousInfo = try await endpoint.resolve(client, "http://info.acme.test/")
            #expect(anonymousInfo.status == .ok)
            #expect(endpoint.header(anonymousInfo, "X-Portcullis-Session-Valid") == "false")
            #expect(endpoint.header(anonymousInfo, Self.tokenHeader) == nil)

            // Bypass, forbidden and anonymous answers carry none.
            let bypass = try await endpoint.resolve(client, "http://app.acme.test/public/x", cookie: cookie)
            #expect(bypass.status == .ok)
            #expect(endpoint.header(bypass, Self.tokenHeader) == nil)
            let forbidden = try await endpoint.resolve(client, "http://app.acme.test/admin/", cookie: cookie)
            #expect(forbidden.status == .forbidden)
            #expect(endpoint.header(forbidden, Self.tokenHeader) == nil)

            // Logout: the cached token is never handed out again.
            _ = try await flows.get(client, &browser, "/acme/u/logout")
            #expect(try await flows.post(client, &browser, "/acme/u/logout", []).status == .ok)
            let loggedOut = try await endpoint.resolve(client, "http://app.acme.test/dash", cookie: cookie)
            #expect(loggedOut.status == .unauthorized)
            #expect(endpoint.header(loggedOut, Self.tokenHeader) == nil)
        }
    }

    @Test func bearerTokensGetOneWithTheirOrganization() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        try await enable(server)
        let access = try ResolverBearerTests().mint(server, subject: user.externalID, organization: "org_x")
        try await server.application(services: server.makeServices()).test(.router) { client in
            let allowed = try await ResolverBearerTests().resolve(client, "http://app.acme.test/dash", token: access)
            #expect(allowed.status == .ok)
            let token = try #require(allowed.headers[HTTPField.Name(Self.tokenHeader)!])
            #expect(token != access)
            let claims = try claims(token)
            #expect(claims["sub"] == .string(user.externalID))
            #expect(claims["org_id"] == "org_x")
            #expect(claims["amr"] == nil)
        }
    }

    @Test func reloadAppliesANewLifetime() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await flows.createUser(server)
        try await enable(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let cookie = try await flows.logIn(client, &browser)
            let first = try #require(endpoint.header(
                try await endpoint.resolve(client, "http://app.acme.test/", cookie: cookie), Self.tokenHeader))
            try server.edit("config/tenants/acme.yaml") { $0.replacingOccurrences(of: "lifetime: 2m", with: "lifetime: 30s") }
            #expect(await server.reloader.reload(reason: "test") == true)
            let second = try #require(endpoint.header(
                try await endpoint.resolve(client, "http://app.acme.test/", cookie: cookie), Self.tokenHeader))
            #expect(second != first, "a reload starts a fresh cache")
            let claims = try claims(second)
            guard case .int(let iat)? = claims["iat"], case .int(let exp)? = claims["exp"] else {
                Issue.record("iat and exp must be integers")
                return
            }
            #expect(exp - iat == 30)
        }
    }

    /// The cache in time: reused until half of the lifetime is gone, renewed after; a change in the
    /// identity is a new token at once.
    @Test func renewedAtHalfTheLifetime() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let key = try #require(try tenant(server).activeKeys.first)
        let issuer = IdentityTokenIssuer(issuer: "http://localhost/acme", key: key, lifetime: 60,
                                         cache: IdentityTokenCache(capacity: 2))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let identity = ForwardAuthIdentity(userID: "Username-Password-Authentication|usr_1", email: "a@example.com",
                                           roles: ["admin"], amr: ["pwd"], authenticatedAt: start)
        let audience = "https://app.acme.test"
        let first = try issuer.token(for: identity, audience: audience, now: start)
        #expect(try issuer.token(for: identity, audience: audience, now: start.addingTimeInterval(29)) == first)
        let renewed = try issuer.token(for: identity, audience: audience, now: start.addingTimeInterval(30))
        #expect(renewed != first)
        #expect(try claims(renewed)["iat"] == .int(1_800_000_030))
        #expect(try issuer.token(for: identity, audience: audience, now: start.addingTimeInterval(31)) == renewed)

        let fewerRoles = try issuer.token(for: identity.with(roles: []), audience: audience,
                                          now: start.addingTimeInterval(31))
        #expect(fewerRoles != renewed)
        #expect(try claims(fewerRoles)["roles"] == [])
        // Bounded: a third entry in a cache of two starts it afresh.
        _ = try issuer.token(for: identity, audience: "https://other.acme.test", now: start.addingTimeInterval(31))
        #expect(issuer.cache.count <= 2)
    }

    @Test func audienceIsTheOrigin() throws {
        func origin(_ url: String) throws -> String {
            let request = try OriginalRequest.from(originalURL: url, forwardedProto: nil, forwardedHost: nil,
                                                   forwardedURI: nil, originalMethod: nil, forwardedMethod: nil,
                                                   fallbackMethod: "GET").get()
            return request.origin
        }
        #expect(try origin("http://app.acme.test/x?y=1") == "http://app.acme.test")
        #expect(try origin("HTTPS://App.Acme.Test:443/") == "https://app.acme.test")
        #expect(try origin("http://app.acme.test:80/") == "http://app.acme.test")
        #expect(try origin("https://app.acme.test:80/") == "https://app.acme.test:80")
        #expect(try origin("http://app.acme.test:08000/") == "http://app.acme.test:8000")
        #expect(try origin("http://[::1]/") == "http://[::1]")
        #expect(try origin("http://[::1]:8080/") == "http://[::1]:8080")
    }
}
