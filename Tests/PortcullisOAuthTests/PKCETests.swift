import Crypto
import Foundation
import PortcullisCrypto
import PortcullisOAuth
import Testing

@Suite("PKCE (RFC 7636)")
struct PKCETests {
    /// The example of RFC 7636 Appendix B.
    @Test func rfc7636AppendixB() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        #expect(PKCE.verify(verifier: verifier, challenge: challenge, method: "S256"))
        #expect(!PKCE.verify(verifier: verifier, challenge: challenge, method: "plain"))
        #expect(PKCE.verify(verifier: verifier, challenge: verifier, method: "plain"))
        #expect(!PKCE.verify(verifier: verifier, challenge: challenge, method: "S512"))
    }

    @Test func malformedVerifiersNeverMatch() {
        let short = String(repeating: "a", count: 42)
        #expect(!PKCE.isWellFormed(short))
        #expect(!PKCE.verify(verifier: short, challenge: short, method: "plain"))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 129)))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 42) + "/"))
        #expect(PKCE.isWellFormed(String(repeating: "a", count: 40) + "-._~"))
    }
}

@Suite("OAuth request parameters")
struct OAuthParametersTests {
    @Test func formEncodingEmptyValuesAndRepeats() throws {
        let parameters = OAuthParameters(formEncoded: "scope=openid+email&state=a%26b&empty=&scope=x")
        #expect(parameters["state"] == "a&b")
        #expect(parameters["empty"] == nil, "RFC 6749 §3.1: a parameter without a value is omitted")
        #expect(throws: OAuthError.self) { try parameters.single("scope") }
        #expect(try parameters.single("state") == "a&b")
    }

    @Test func jsonBodiesAndLists() throws {
        let parameters = try #require(OAuthParameters(json: Data(#"{"grant_type":"client_credentials","n":3,"x":{"a":1}}"#.utf8)))
        #expect(parameters["grant_type"] == "client_credentials")
        #expect(parameters["n"] == "3")
        #expect(parameters["x"] == nil)
        #expect(OAuthParameters(json: Data("[1]".utf8)) == nil)
        #expect(OAuthParameters(formEncoded: "scope=a+b+a+c").list("scope") == ["a", "b", "c"])
    }
}
