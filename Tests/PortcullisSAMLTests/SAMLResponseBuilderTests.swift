import Foundation
import PortcullisCore
import PortcullisSAML
import Testing
import _CryptoExtras

@Suite("SAML: the signed responses and what they say")
struct SAMLResponseBuilderTests {
    static let profile = SAMLUserProfile(
        userID: "auth0|u1", email: "ann@acme.test", emailVerified: true, name: "Ann <Admin> & Co", givenName: "Ann",
        familyName: nil, nickname: nil, picture: nil, roles: ["admin", "staff"],
        appMetadata: ["plan": "gold", "tags": ["a", "b"]], userMetadata: [:])
    static let login = SAMLResponseBuilder.Login(profile: profile, sessionIndex: "sid-1", authnInstant: Date(timeIntervalSince1970: 1_800_000_000),
                                                 sessionNotOnOrAfter: nil)

    static func builder(_ provider: SAMLServiceProvider) throws -> SAMLResponseBuilder {
        guard case .local(let signer) = provider.signing.method else { throw XMLError.malformed("no local key") }
        return SAMLResponseBuilder(idpEntityID: SAMLFixture.issuer, provider: provider, producer: signer)
    }

    @Test func aSuccessIsSignedTwiceAndSaysWhatTheProfileRequires() async throws {
        let provider = try await SAMLFixture.provider(attributes: """
                  - {name: roles, source: roles, name_format: uri}
                  - {name: plan, source: app_metadata.plan}
                  - {name: tags, source: app_metadata.tags}
                  - {name: missing, source: user_metadata.nothing}

            """)
        let now = Date()
        let xml = try await Self.builder(provider).success(login: Self.login, destination: SAMLFixture.acsURL, inResponseTo: "_req1", now: now)
        let document = try XMLDocument.parse(xml)
        let response = try #require(document.root)
        let key = provider.signing.certificate.publicKey
        try XMLSignatureVerifier().verify(response, key: key)
        let assertion = try #require(response.children("Assertion", in: SAMLNames.assertionNS).first)
        try XMLSignatureVerifier().verify(assertion, key: key)
        #expect(response.attribute("InResponseTo") == "_req1")
        #expect(response.attribute("Destination") == SAMLFixture.acsURL)
        let subject = try #require(assertion.children("Subject", in: SAMLNames.assertionNS).first)
        #expect(subject.children("NameID", in: SAMLNames.assertionNS).first?.text == "ann@acme.test")
        let confirmation = try #require(subject.children("SubjectConfirmation", in: SAMLNames.assertionNS).first?
            .children("SubjectConfirmationData", in: SAMLNames.assertionNS).first)
        #expect(confirmation.attribute("Recipient") == SAMLFixture.acsURL)
        #expect(confirmation.attribute("InResponseTo") == "_req1")
        let audience = assertion.children("Conditions", in: SAMLNames.assertionNS).first?
            .children("AudienceRestriction", in: SAMLNames.assertionNS).first?.children("Audience", in: SAMLNames.assertionNS).first
        #expect(audience?.text == SAMLFixture.entityID)
        #expect(assertion.children("AuthnStatement", in: SAMLNames.assertionNS).first?.attribute("SessionIndex") == "sid-1")
        let attributes = try #require(assertion.children("AttributeStatement", in: SAMLNames.assertionNS).first)
            .children("Attribute", in: SAMLNames.assertionNS)
        let values = Dictionary(uniqueKeysWithValues: attributes.map { attribute in
            (attribute.attribute("Name") ?? "", attribute.children("AttributeValue", in: SAMLNames.assertionNS).map(\.text))
        })
        #expect(values == ["email": ["ann@acme.test"], "name": ["Ann <Admin> & Co"], "roles": ["admin", "staff"],
                           "plan": ["gold"], "tags": ["a", "b"]])
        #expect(attributes.first?.attribute("FriendlyName") == "email")
        #expect(attributes.first { $0.attribute("Name") == "roles" }?.attribute("NameFormat")
            == "urn:oasis:names:tc:SAML:2.0:attrname-format:uri")
    }

    @Test func changingTheSignedAssertionBreaksItsSignature() async throws {
        let provider = try await SAMLFixture.provider()
        let xml = try await Self.builder(provider).success(login: Self.login, destination: SAMLFixture.acsURL, inResponseTo: nil, now: Date())
        let text = String(decoding: xml, as: UTF8.self).replacingOccurrences(of: "ann@acme.test", with: "eve@acme.test")
        let document = try XMLDocument.parse(Array(text.utf8))
        let assertion = try #require(document.root?.children("Assertion", in: SAMLNames.assertionNS).first)
        #expect(throws: XMLSignatureError.digestMismatch) {
            try XMLSignatureVerifier().verify(assertion, key: provider.signing.certificate.publicKey)
        }
    }

    @Test func nameIDFormatsAndSources() async throws {
        let persistent = try Self.builder(try await SAMLFixture.provider(nameID: "{format: persistent}"))
        #expect(persistent.nameID(for: Self.profile) == "auth0|u1")
        let transient = try Self.builder(try await SAMLFixture.provider(nameID: "{format: transient}"))
        let first = transient.nameID(for: Self.profile)
        #expect(first != transient.nameID(for: Self.profile) && first?.hasPrefix("_") == true)
        let fromName = try Self.builder(try await SAMLFixture.provider(nameID: "{format: unspecified, source: given_name}"))
        #expect(fromName.nameID(for: Self.profile) == "Ann")
    }

    @Test func statusAndLogoutResponsesAreSignedWhenAsked() async throws {
        let provider = try await SAMLFixture.provider()
        let builder = try Self.builder(provider)
        let status = try await builder.status(.noPassive(), destination: SAMLFixture.acsURL, inResponseTo: "_r", now: Date())
        let root = try #require(try XMLDocument.parse(status).root)
        try XMLSignatureVerifier().verify(root, key: provider.signing.certificate.publicKey)
        let code = root.children("Status", in: SAMLNames.protocolNS).first?.children("StatusCode", in: SAMLNames.protocolNS).first
        #expect(code?.attribute("Value") == "urn:oasis:names:tc:SAML:2.0:status:Responder")
        #expect(code?.children("StatusCode", in: SAMLNames.protocolNS).first?.attribute("Value") == "urn:oasis:names:tc:SAML:2.0:status:NoPassive")
        let logout = try await builder.logoutResponse(status: .success, destination: "http://127.0.0.1:8087/slo", inResponseTo: "_l",
                                                      now: Date(), signEnveloped: false)
        let logoutRoot = try #require(try XMLDocument.parse(logout).root)
        #expect(logoutRoot.children("Signature", in: XMLSignatureAlgorithms.namespace).isEmpty)
        #expect(logoutRoot.attribute("InResponseTo") == "_l")
    }

    @Test func theSelfSignedCertificateIsTheSameEveryTime() throws {
        let key = SAMLFixture.spKey
        let first = try SAMLCertificate.selfSigned(key: key, commonName: "idp.test")
        let second = try SAMLCertificate.selfSigned(key: key, commonName: "idp.test")
        #expect(first.der == second.der)
        #expect(first.publicKey.derRepresentation == key.publicKey.derRepresentation)
        #expect(try SAMLCertificate(base64: first.base64) == first)
        #expect(throws: (any Error).self) { try SAMLCertificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----") }
    }

    @Test func theSPCertificateComesFromItsMetadataFile() async throws {
        let metadata = """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(SAMLFixture.entityID)">
            <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>\
            <ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
            <ds:X509Certificate>\(SAMLFixture.spCertificate.base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            </md:SPSSODescriptor></md:EntityDescriptor>
            """
        let provider = try await SAMLFixture.provider("    metadata_file: demo-sp.xml\n", files: ["demo-sp.xml": metadata])
        #expect(provider.certificate == SAMLFixture.spCertificate)
    }
}
