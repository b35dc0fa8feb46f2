import Foundation
import PortcullisCore
import PortcullisSAML
import Testing
import _CryptoExtras

@Suite("SAML: which AuthnRequests are answered, and where")
struct SAMLRequestCheckTests {
    static func check(_ provider: SAMLServiceProvider, now: Date = Date()) -> SAMLRequestCheck {
        SAMLRequestCheck(provider: provider, endpointURL: SAMLFixture.ssoURL, now: now)
    }

    static func untrusted(_ provider: SAMLServiceProvider, _ message: SAMLBindingMessage,
                          sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try check(provider).authnRequest(message)
            Issue.record("accepted", sourceLocation: sourceLocation)
            return nil
        } catch {
            guard case .untrusted(let reason) = error else {
                Issue.record("refused as \(error), not untrusted", sourceLocation: sourceLocation)
                return nil
            }
            return reason
        }
    }

    @Test func aPlainRequestGoesToTheNamedRegisteredEndpoint() async throws {
        let provider = try await SAMLFixture.provider()
        let message = try await SAMLFixture.redirect(SAMLFixture.authnRequest(id: "_r1"))
        let accepted = try Self.check(provider).authnRequest(message)
        #expect(accepted.request.id == "_r1")
        #expect(accepted.assertionConsumerService == SAMLFixture.acsURL)
        #expect(accepted.refusal == nil)
        #expect(message.relayState == "rs")
        // Without a URL or index: the default endpoint.
        let bare = try await SAMLFixture.redirect(SAMLFixture.authnRequest(attributes: ""))
        #expect(try Self.check(provider).authnRequest(bare).assertionConsumerService == SAMLFixture.acsURL)
    }

    @Test func strangersAndForeignEndpointsAreRefusedNotRedirected() async throws {
        let provider = try await SAMLFixture.provider()
        let foreignIssuer = try await SAMLFixture.redirect(SAMLFixture.authnRequest(issuer: "http://evil.test/sp"))
        #expect(Self.untrusted(provider, foreignIssuer)?.contains("is not the entity ID") == true)
        let foreignACS = try await SAMLFixture.redirect(SAMLFixture.authnRequest(
            attributes: "AssertionConsumerServiceURL=\"http://127.0.0.1:8087/acs/../steal\""))
        #expect(Self.untrusted(provider, foreignACS)?.contains("is not registered") == true)
        let unknownIndex = try await SAMLFixture.redirect(SAMLFixture.authnRequest(attributes: "AssertionConsumerServiceIndex=\"7\""))
        #expect(Self.untrusted(provider, unknownIndex)?.contains("Index 7 is not registered") == true)
        let redirectBinding = try await SAMLFixture.redirect(SAMLFixture.authnRequest(
            attributes: "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""))
        #expect(Self.untrusted(provider, redirectBinding)?.contains("ProtocolBinding") == true)
        let elsewhere = try await SAMLFixture.redirect(SAMLFixture.authnRequest(
            attributes: "Destination=\"http://127.0.0.1:8080/globex/samlp/demo-sp\""))
        #expect(Self.untrusted(provider, elsewhere)?.contains("Destination") == true)
    }

    @Test func oldRequestsAndOtherNameIDFormatsAreAnsweredWithAStatus() async throws {
        let provider = try await SAMLFixture.provider()
        let old = try await SAMLFixture.redirect(SAMLFixture.authnRequest(instant: Date().addingTimeInterval(-900)))
        #expect(try Self.check(provider).authnRequest(old).refusal?.subcode == "urn:oasis:names:tc:SAML:2.0:status:RequestDenied")
        let future = try await SAMLFixture.redirect(SAMLFixture.authnRequest(instant: Date().addingTimeInterval(400)))
        #expect(try Self.check(provider).authnRequest(future).refusal != nil)
        // A user who took a few minutes at the login page is still answered.
        let slow = try await SAMLFixture.redirect(SAMLFixture.authnRequest(instant: Date().addingTimeInterval(-400)))
        #expect(try Self.check(provider).authnRequest(slow).refusal == nil)
        let policy = try await SAMLFixture.redirect(SAMLFixture.authnRequest(
            body: "<samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\"/>"))
        #expect(try Self.check(provider).authnRequest(policy).refusal?.subcode == "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy")
    }

    @Test func forceAuthnIsPassiveAndMalformedFlags() async throws {
        let provider = try await SAMLFixture.provider()
        let flagged = try await SAMLFixture.redirect(SAMLFixture.authnRequest(attributes: "ForceAuthn=\"true\" IsPassive=\"1\""))
        let request = try Self.check(provider).authnRequest(flagged).request
        #expect(request.forceAuthn && request.isPassive)
        let bad = try await SAMLFixture.redirect(SAMLFixture.authnRequest(attributes: "ForceAuthn=\"yes\""))
        #expect(throws: SAMLRequestError.malformed("ForceAuthn is not a boolean")) { try Self.check(provider).authnRequest(bad) }
    }

    @Test func signaturesAreVerifiedAndRequiredWhenConfigured() async throws {
        let provider = try await SAMLFixture.provider("    want_authn_requests_signed: true\n    certificate: |\n"
            + SAMLFixture.indented(SAMLFixture.spCertificatePEM, by: 6))
        let destination = "Destination=\"\(SAMLFixture.ssoURL)\""
        let xml = SAMLFixture.authnRequest(attributes: destination)
        // Redirect binding: the query signature.
        _ = try Self.check(provider).authnRequest(try await SAMLFixture.redirect(xml, sign: true))
        // POST binding: the enveloped signature.
        _ = try Self.check(provider).authnRequest(try await SAMLFixture.post(xml, sign: true))
        #expect(Self.untrusted(provider, try await SAMLFixture.redirect(xml))?.contains("must sign") == true)
        let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(Self.untrusted(provider, try await SAMLFixture.redirect(xml, sign: true, key: otherKey))?
            .contains("query signature is not valid") == true)
        #expect(Self.untrusted(provider, try await SAMLFixture.post(xml, sign: true, key: otherKey))?
            .contains("signature is not valid") == true)
        // A signed request must say where it was sent.
        let noDestination = SAMLFixture.authnRequest()
        #expect(Self.untrusted(provider, try await SAMLFixture.redirect(noDestination, sign: true))?
            .contains("must name its Destination") == true)
        // The RelayState is covered by the query signature.
        let signed = try await SAMLFixture.redirect(xml, sign: true)
        let query = String(decoding: signed.querySignature!.signedOctets, as: UTF8.self).replacingOccurrences(of: "RelayState=rs", with: "RelayState=evil")
        let signature = FormEncoding.percentEncoded(Data(signed.querySignature!.signature).base64EncodedString())!
        let tampered = try SAMLBindingMessage.redirect(rawQuery: query + "&Signature=" + signature, parameter: "SAMLRequest")
        #expect(Self.untrusted(provider, tampered)?.contains("query signature is not valid") == true)
    }

    @Test func aSignedRequestWithoutACertificateToCheckItIsRefused() async throws {
        let provider = try await SAMLFixture.provider()
        let xml = SAMLFixture.authnRequest(attributes: "Destination=\"\(SAMLFixture.ssoURL)\"")
        #expect(Self.untrusted(provider, try await SAMLFixture.redirect(xml, sign: true))?.contains("no certificate") == true)
    }

    @Test func hostileXMLAndBindingsAreRefused() async throws {
        let provider = try await SAMLFixture.provider()
        let doctype = "<!DOCTYPE r [<!ENTITY x SYSTEM \"http://127.0.0.1:1/x\">]>" + SAMLFixture.authnRequest()
        let message = try await SAMLFixture.redirect(doctype)
        do {
            _ = try Self.check(provider).authnRequest(message)
            Issue.record("a DOCTYPE was accepted")
        } catch {
            guard case .malformed = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: SAMLBindingMessage.Problem.notDeflate) {
            try SAMLBindingMessage.redirect(rawQuery: "SAMLRequest=" + Data("not deflate".utf8).base64EncodedString(), parameter: "SAMLRequest")
        }
        #expect(throws: SAMLBindingMessage.Problem.duplicate("SAMLRequest")) {
            try SAMLBindingMessage.redirect(rawQuery: "SAMLRequest=a&SAMLRequest=b", parameter: "SAMLRequest")
        }
        // A DEFLATE bomb stops at the XML limit.
        let bomb = Data(SAMLBindingMessage.deflate([UInt8](repeating: 0x20, count: 4 << 20))).base64EncodedString()
        #expect(throws: SAMLBindingMessage.Problem.tooLarge("the inflated SAMLRequest")) {
            try SAMLBindingMessage.redirect(rawQuery: "SAMLRequest=" + FormEncoding.percentEncoded(bomb)!, parameter: "SAMLRequest")
        }
    }
}
