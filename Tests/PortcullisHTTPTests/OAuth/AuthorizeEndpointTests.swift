import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import Testing

@Suite("Authorization endpoint")
struct AuthorizeEndpointTests {
    @Test func untrustedClientOrRedirectShowsAnErrorPageAndNeverRedirects() async throws {
        try await TestServer.withRelyingParty(withUser: false) { server, rp in
            let requests = [
                [("response_type", "code"), ("client_id", "nobody"), ("redirect_uri", RelyingParty.callback), ("scope", "openid")],
                [("response_type", "code"), ("client_id", "acme-web"), ("redirect_uri", "https://evil.example/cb"), ("scope", "openid")],
                [("response_type", "code"), ("client_id", "acme-web"), ("redirect_uri", RelyingParty.callback + "/"), ("scope", "openid")],
                [("response_type", "code"), ("redirect_uri", RelyingParty.callback), ("scope", "openid")],
            ]
            for parameters in requests {
                let response = try await rp.get("/acme/authorize?" + RelyingParty.query(parameters))
                #expect(response.status == .badRequest, "\(parameters)")
                #expect(response.headers[.location] == nil)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
        }
    }

    @Test func otherErrorsRedirectWithRFC6749Codes() async throws {
        try await TestServer.withRelyingParty(withUser: false) { server, rp in
            let base = [("client_id", "acme-web"), ("redirect_uri", RelyingParty.callback), ("state", "xyz"), ("scope", "openid")]
            let cases: [([(String, String)], String)] = [
                ([("response_type", "token")], "unsupported_response_type"),
                ([], "invalid_request"),
                ([("response_type", "code"), ("prompt", "none")], "login_required"),
                ([("response_type", "code"), ("code_challenge", "short"), ("code_challenge_method", "S256")], "invalid_request"),
                ([("response_type", "code"), ("request", "eyJ.x.y")], "request_not_supported"),
            ]
            for (extra, error) in cases {
                let response = try await rp.get("/acme/authorize?" + RelyingParty.query(base + extra))
                #expect(response.status == .found, "\(extra)")
                let parameters = RelyingParty.parameters(of: response.headers[.location])
                #expect(parameters["error"] == error, "\(extra)")
                #expect(parameters["state"] == "xyz")
                #expect(parameters["iss"] == RelyingParty.issuer)
            }
            // Public clients must use PKCE; plain is refused unless allowed.
            let spa = [("response_type", "code"), ("client_id", "acme-spa"), ("redirect_uri", RelyingParty.callback), ("scope", "openid")]
            for extra in [[], [("code_challenge", RelyingParty.pkce().verifier), ("code_challenge_method", "plain")]] {
                let response = try await rp.get("/acme/authorize?" + RelyingParty.query(spa + extra))
                #expect(RelyingParty.parameters(of: response.headers[.location])["error"] == "invalid_request")
            }
        }
    }

    @Test func promptLoginAndMaxAgeAskForThePasswordAgainAndAdvanceAuthTime() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let first = try DecodedJWT(try #require(try await rp.spaTokens(scope: "openid")["id_token"]?.stringValue))

            // With a session and no prompt the code comes at once (single sign-on).
            let pkce = RelyingParty.pkce()
            let silent = try await rp.get("/acme/authorize?" + RelyingParty.query(
                RelyingParty.spaRequest(state: "sso", challenge: pkce.challenge, [("prompt", "none")])))
            _ = try RelyingParty.code(from: silent, state: "sso")

            try await Task.sleep(for: .milliseconds(1100))
            for extra in [[("prompt", "login")], [("max_age", "0")]] {
                let forced = try await rp.get("/acme/authorize?" + RelyingParty.query(
                    RelyingParty.spaRequest(state: "again", challenge: pkce.challenge, extra)))
                #expect(forced.headers[.location]?.hasPrefix("/acme/u/login?") == true, "\(extra)")
            }
            let again = try DecodedJWT(try #require(try await rp.spaTokens(scope: "openid", extra: [("prompt", "login")])["id_token"]?.stringValue))
            guard case .int(let before)? = first.claims["auth_time"], case .int(let after)? = again.claims["auth_time"] else {
                Issue.record("auth_time missing"); return
            }
            #expect(after > before)
        }
    }

    /// A long authorization request (an ID token as hint) survives the round trip through login.
    @Test func idTokenHintRoundTripsThroughLogin() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await server.createAcmeUser()
        _ = try await server.createAcmeUser(email: "bob@example.com", name: "Bob")
        try await server.application(services: server.makeServices()).test(.router) { client in
            var first = RelyingParty(client)
            let hint = try #require(try await first.spaTokens(scope: "openid profile email")["id_token"]?.stringValue)
            var fresh = RelyingParty(client)
            let tokens = try await fresh.spaTokens(scope: "openid", extra: [("id_token_hint", hint), ("login_hint", "alice@example.com")])
            #expect(tokens["id_token"]?.stringValue != nil)

            // With Bob's session, Alice's hint and prompt=none: login_required, not Bob's code.
            var bob = RelyingParty(client)
            _ = try await bob.spaTokens(scope: "openid", email: "bob@example.com")
            let pkce = RelyingParty.pkce()
            let refused = try await bob.get("/acme/authorize?" + RelyingParty.query(RelyingParty.spaRequest(
                state: "h", challenge: pkce.challenge, [("prompt", "none"), ("id_token_hint", hint)])))
            #expect(RelyingParty.parameters(of: refused.headers[.location])["error"] == "login_required")
        }
    }

    @Test func organizationNeedsMembershipAndPutsOrgIDInTokens() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await server.createAcmeUser()
        let org = Organization(tenantID: "acme", name: "wayne", createdAt: Date())
        let other = Organization(tenantID: "acme", name: "stark", createdAt: Date())
        for organization in [org, other] {
            try await server.storage.createOrganization(organization, connections: [OrganizationConnection(
                tenantID: "acme", organizationID: organization.id, connection: user.connection, createdAt: Date())], events: [])
        }
        _ = try await server.storage.addMember(tenantID: "acme", organizationID: org.id, userID: user.id, at: Date())
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let tokens = try await rp.spaTokens(extra: [("organization", "wayne")])
            let idToken = try DecodedJWT(try #require(tokens["id_token"]?.stringValue))
            #expect(idToken.claims["org_id"]?.stringValue == org.id)
            #expect(idToken.claims["org_name"]?.stringValue == "wayne")

            let pkce = RelyingParty.pkce()
            let refused = try await rp.get("/acme/authorize?" + RelyingParty.query(
                RelyingParty.spaRequest(state: "o", challenge: pkce.challenge, [("organization", other.id)])))
            #expect(RelyingParty.parameters(of: refused.headers[.location])["error"] == "access_denied")

            // Switching organization on refresh: refused for a non-member, allowed for a member.
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            let denied = try await rp.refresh(refresh, [("organization", "stark")])
            #expect(denied.status == .badRequest)
            #expect(denied.json["access_token"] == nil)
            _ = try await server.storage.addMember(tenantID: "acme", organizationID: other.id, userID: user.id, at: Date())
            let switched = try await rp.refresh(refresh, [("organization", "stark")])
            #expect(switched.status == .ok, "\(switched.json)")
            let access = try DecodedJWT(try #require(switched.json["access_token"]?.stringValue))
            #expect(access.claims["org_id"]?.stringValue == other.id)
            #expect(access.claims["org_name"]?.stringValue == "stark")
        }
    }
}
