import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import Testing

@Suite("Authorization code flow")
struct CodeFlowTests {
    @Test func spaCodeFlowWithPKCEIssuesVerifiableTokens() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await server.createAcmeUser()
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"])
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let tokens = try await rp.spaTokens()
            let idToken = try DecodedJWT(try #require(tokens["id_token"]?.stringValue))
            let accessToken = try #require(tokens["access_token"]?.stringValue)
            #expect(tokens["token_type"] == "Bearer")
            #expect(tokens["refresh_token"]?.stringValue != nil)
            #expect(tokens["scope"] == "openid profile email offline_access")

            // ID token: RS256 by the tenant's RS256 key, and the claims OIDC Core §2 requires.
            #expect(idToken.header["alg"] == "RS256")
            let key = try #require(tenant.signingKeys.first { $0.kid == idToken.header["kid"]?.stringValue })
            #expect(idToken.parts.isSigned(by: key.verificationKey))
            #expect(idToken.claims["iss"]?.stringValue == RelyingParty.issuer)
            #expect(idToken.claims["aud"] == "acme-spa")
            #expect(idToken.claims["sub"]?.stringValue == user.externalID)
            #expect(idToken.claims["nonce"] == "n-0S6")
            #expect(idToken.claims["amr"] == ["pwd"])
            #expect(idToken.claims["sid"]?.stringValue != nil)
            #expect(idToken.claims["email"]?.stringValue == "alice@example.com")
            #expect(idToken.claims["name"] == "Alice Example")
            let digest = SHA256.hash(data: Data(accessToken.utf8))
            #expect(idToken.claims["at_hash"]?.stringValue == Data(Array(digest).prefix(16)).base64URLEncoded)
            guard case .int(let authTime)? = idToken.claims["auth_time"], case .int(let iat)? = idToken.claims["iat"] else {
                Issue.record("auth_time/iat missing"); return
            }
            #expect(abs(authTime - iat) < 5)

            // Access token: RFC 9068, for userinfo.
            let access = try DecodedJWT(accessToken)
            #expect(access.header["typ"] == "at+jwt")
            #expect(access.claims["client_id"] == "acme-spa")
            #expect(access.claims["aud"]?.stringValue == RelyingParty.issuer + "/userinfo")

            let info = try await client.execute(uri: "/acme/userinfo", method: .get,
                                                headers: [.authorization: "Bearer \(accessToken)"])
            #expect(info.status == .ok)
            let claims = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: info.body))
            #expect(claims["sub"]?.stringValue == user.externalID)
            #expect(claims["email_verified"] == true)
        }
    }

    @Test func confidentialClientWithBasicAuthentication() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let answer = try await rp.authorize([
                ("response_type", "code"), ("client_id", "acme-web"), ("redirect_uri", RelyingParty.callback),
                ("scope", "openid email"), ("state", "s1"),
            ])
            let code = try RelyingParty.code(from: answer, state: "s1")
            let wrongSecret = try await rp.token([("grant_type", "authorization_code"), ("code", code),
                                                  ("redirect_uri", RelyingParty.callback)], basic: ("acme-web", "nope"))
            #expect(wrongSecret.status == .unauthorized)
            #expect(wrongSecret.json["error"] == "invalid_client")
            #expect(wrongSecret.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            #expect(wrongSecret.headers[.cacheControl] == "no-store")

            // The failed authentication did not spend the code.
            let result = try await rp.token([("grant_type", "authorization_code"), ("code", code),
                                             ("redirect_uri", RelyingParty.callback)],
                                            basic: ("acme-web", RelyingParty.webSecret))
            #expect(result.status == .ok, "\(result.json)")
            #expect(result.json["refresh_token"] == nil, "no offline_access, no refresh token")
            #expect(result.json["id_token"]?.stringValue != nil)
        }
    }

    @Test func replayedCodeFailsAndRevokesWhatItIssued() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let pkce = RelyingParty.pkce()
            let answer = try await rp.authorize(
                RelyingParty.spaRequest(state: "s", scope: "openid offline_access", challenge: pkce.challenge))
            let code = try RelyingParty.code(from: answer, state: "s")
            let exchange: [(String, String)] = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RelyingParty.callback),
                ("client_id", "acme-spa"), ("code_verifier", pkce.verifier),
            ]
            let first = try await rp.token(exchange)
            #expect(first.status == .ok)
            let refresh = try #require(first.json["refresh_token"]?.stringValue)
            let second = try await rp.token(exchange)
            #expect(second.status == .badRequest)
            #expect(second.json["error"] == "invalid_grant")
            let refreshed = try await rp.refresh(refresh)
            #expect(refreshed.json["error"] == "invalid_grant", "the first exchange's refresh token is revoked")
        }
    }

    @Test func pkceAndRedirectURIMistakesAreInvalidGrant() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let cases: [(String, [(String, String)])] = [
                ("wrong verifier", [("code_verifier", RelyingParty.pkce().verifier), ("redirect_uri", RelyingParty.callback)]),
                ("missing verifier", [("redirect_uri", RelyingParty.callback)]),
                ("redirect mismatch", [("redirect_uri", "http://127.0.0.1:8081/other")]),
            ]
            for (name, fields) in cases {
                let pkce = RelyingParty.pkce()
                let answer = try await rp.authorize(RelyingParty.spaRequest(state: name, challenge: pkce.challenge))
                let code = try RelyingParty.code(from: answer, state: name)
                var request = [("grant_type", "authorization_code"), ("code", code), ("client_id", "acme-spa")] + fields
                if name == "redirect mismatch" { request.append(("code_verifier", pkce.verifier)) }
                let result = try await rp.token(request)
                #expect(result.status == .badRequest, "\(name)")
                #expect(result.json["error"] == "invalid_grant", "\(name): \(result.json)")
                #expect(result.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func refreshRotationDetectsReuseAndRevokesTheFamily() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let tokens = try await rp.spaTokens()
            let first = try #require(tokens["refresh_token"]?.stringValue)
            let rotated = try await rp.refresh(first)
            #expect(rotated.status == .ok, "\(rotated.json)")
            let second = try #require(rotated.json["refresh_token"]?.stringValue)
            #expect(second != first)
            #expect(rotated.json["id_token"]?.stringValue != nil)

            let reused = try await rp.refresh(first)
            #expect(reused.status == .badRequest)
            #expect(reused.json["error"] == "invalid_grant")
            let successor = try await rp.refresh(second)
            #expect(successor.json["error"] == "invalid_grant", "reuse revoked the whole family")
        }
    }

    @Test func formPostResponseMode() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let pkce = RelyingParty.pkce()
            let answer = try await rp.authorize(
                RelyingParty.spaRequest(state: "<s&\"", challenge: pkce.challenge, [("response_mode", "form_post")]))
            #expect(answer.status == .ok)
            let html = String(buffer: answer.body)
            #expect(html.contains("action=\"\(RelyingParty.callback)\""))
            #expect(html.contains("name=\"code\""))
            #expect(html.contains("value=\"&lt;s&amp;&quot;\""))
            #expect(answer.headers[.contentSecurityPolicy]?.contains("script-src 'nonce-") == true)
        }
    }
}
