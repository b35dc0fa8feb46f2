import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisCore
import PortcullisSAML
import Testing

/// What a SAML request keeps across the hosted login: ForceAuthn cannot be talked out of its
/// sign-in by editing the URL the login returns to, and a long request (a signature with its
/// certificate, a long RelayState) comes back whole.
@Suite("SAML through the login")
struct SAMLReauthenticationTests {
    typealias SAML = SAMLEndpointTests

    @Test func forceAuthnAsksAgainWhateverTheReturnURLSays() async throws {
        try await TestServer.withRelyingParty { _, rp in
            let certificate = try await SAML.certificate(&rp)
            let first = try await rp.get(SAML.sso + "?" + SAML.redirectQuery(SAML.authnRequest()))
            _ = try await rp.signIn(at: try #require(first.headers[.location]))

            let forced = try await rp.get(SAML.sso + "?" + SAML.redirectQuery(SAML.authnRequest(attributes: "ForceAuthn=\"true\"")))
            let login = try #require(forced.headers[.location])
            #expect(login.hasPrefix("/acme/u/login?rd="))
            let returnTo = try #require(RelyingParty.parameters(of: login)["rd"])
            let marker = try #require(RelyingParty.parameters(of: returnTo)["portcullis_auth_after"])
            #expect(marker.contains("."), "the marker is the time and a random part")

            // The browser edits the marker (or drops it) to skip the sign-in: the login page again.
            let random = marker.split(separator: ".").last.map(String.init) ?? ""
            let withoutMarker = returnTo.replacingOccurrences(of: "&portcullis_auth_after=" + marker, with: "")
            for edited in [withoutMarker + "&portcullis_auth_after=0", withoutMarker + "&portcullis_auth_after=1." + random,
                           withoutMarker] {
                let skipped = try await rp.get(String(edited.dropFirst("http://localhost".count)))
                #expect(skipped.headers[.location]?.hasPrefix("/acme/u/login?rd=") == true, "\(edited.suffix(80))")
            }

            // The marker as issued, before the sign-in: the session is older, so still the login page.
            let early = try await rp.get(String(returnTo.dropFirst("http://localhost".count)))
            #expect(early.headers[.location]?.hasPrefix("/acme/u/login?rd=") == true)

            // Signing in again answers the request.
            try await Task.sleep(for: .milliseconds(1100))
            let answered = try await rp.signIn(at: login)
            #expect(SAML.status(try SAML.verifiedResponse(answered, certificate: certificate))
                == ["urn:oasis:names:tc:SAML:2.0:status:Success"])
        }
    }

    @Test func promptLoginCannotBeSkippedByAMarkerTheClientWrites() async throws {
        try await TestServer.withRelyingParty { _, rp in
            _ = try await rp.spaTokens(scope: "openid")
            let pkce = RelyingParty.pkce()
            for forged in ["0", "1", "\(Int(Date().timeIntervalSince1970)).forged"] {
                let asked = try await rp.get("/acme/authorize?" + RelyingParty.query(RelyingParty.spaRequest(
                    state: "s", challenge: pkce.challenge, [("prompt", "login"), ("portcullis_auth_after", forged)])))
                #expect(asked.headers[.location]?.hasPrefix("/acme/u/login?") == true, "marker \(forged)")
                let returnTo = try #require(RelyingParty.parameters(of: asked.headers[.location])["rd"])
                // The login page's return URL carries a marker of the server's, not the forged one.
                #expect(RelyingParty.parameters(of: returnTo)["portcullis_auth_after"] != forged)
            }
        }
    }

    @Test func aRequestAsLongAsASignedOneAndItsRelayStateComeBackAfterTheLogin() async throws {
        try await TestServer.withRelyingParty { _, rp in
            let certificate = try await SAML.certificate(&rp)
            // Random text does not deflate: the request stays about as long as a signed one with
            // its certificate, and the login's return URL passes 2 KiB.
            let padding = (0..<30).map { _ in UUID().uuidString }.joined()
            let xml = SAML.authnRequest(id: "_long").replacingOccurrences(
                of: "</saml:Issuer>",
                with: "</saml:Issuer><samlp:Extensions><x:Padding xmlns:x=\"urn:test\">\(padding)</x:Padding></samlp:Extensions>")
            let relayState = String(repeating: "r", count: SAMLBindingMessage.maxRelayStateBytes)
            let first = try await rp.get(SAML.sso + "?" + SAML.redirectQuery(xml, relayState: relayState))
            let login = try #require(first.headers[.location])
            #expect(try #require(RelyingParty.parameters(of: login)["rd"]).utf8.count > 2048)
            let answered = try await rp.signIn(at: login)
            let document = try SAML.verifiedResponse(answered, certificate: certificate)
            #expect(document.root?.attribute("InResponseTo") == "_long")
            #expect(try SAML.formFields(answered).fields["RelayState"] == relayState)
        }
    }
}
