import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisCore
import PortcullisSAML
import Testing

/// The SAML endpoints in process: metadata, SSO through the hosted login for both bindings,
/// session reuse, replay, IsPassive, errors, single logout.
@Suite("SAML endpoints")
struct SAMLEndpointTests {
    static let sso = "/acme/samlp/demo-sp"
    static let acs = "http://127.0.0.1:8087/acs"

    static func authnRequest(id: String = SAMLTime.newID(), issuer: String = "http://127.0.0.1:8087/sp",
                             attributes: String = "") -> String {
        """
        <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
        ID="\(id)" Version="2.0" IssueInstant="\(SAMLTime.string(Date()))" AssertionConsumerServiceURL="\(acs)" \(attributes)>\
        <saml:Issuer>\(issuer)</saml:Issuer></samlp:AuthnRequest>
        """
    }

    static func redirectQuery(_ xml: String, parameter: String = "SAMLRequest", relayState: String = "state-1") -> String {
        FormEncoding.encode([(parameter, Data(SAMLBindingMessage.deflate(Array(xml.utf8))).base64EncodedString()),
                             ("RelayState", relayState)])
    }

    /// The auto-submitted form's fields.
    static func formFields(_ response: TestResponse) throws -> (action: String, fields: [String: String]) {
        let html = String(buffer: response.body)
        let action = try #require(html.firstMatch(of: /<form method="post" action="([^"]*)">/)?.1)
        var fields: [String: String] = [:]
        for match in html.matches(of: /<input type="hidden" name="([^"]*)" value="([^"]*)">/) {
            fields[String(match.1)] = String(match.2).replacingOccurrences(of: "&amp;", with: "&")
        }
        return (String(action), fields)
    }

    /// The response's root, with both signatures checked against the metadata's certificate.
    static func verifiedResponse(_ response: TestResponse, certificate: SAMLCertificate) throws -> XMLDocument {
        let (action, fields) = try formFields(response)
        #expect(action == acs)
        let encoded = try #require(fields["SAMLResponse"])
        let xml = try #require(Data(base64Encoded: encoded))
        let document = try XMLDocument.parse(Array(xml))
        let root = try #require(document.root)
        try XMLSignatureVerifier().verify(root, key: certificate.publicKey)
        if let assertion = root.children("Assertion", in: SAMLNames.assertionNS).first {
            try XMLSignatureVerifier().verify(assertion, key: certificate.publicKey)
        }
        return document
    }

    static func status(_ document: XMLDocument) -> [String] {
        var codes: [String] = []
        var code = document.root?.children("Status", in: SAMLNames.protocolNS).first?.children("StatusCode", in: SAMLNames.protocolNS).first
        while let current = code {
            codes.append(current.attribute("Value") ?? "")
            code = current.children("StatusCode", in: SAMLNames.protocolNS).first
        }
        return codes
    }

    static func certificate(_ rp: inout RelyingParty) async throws -> SAMLCertificate {
        let metadata = try await rp.get("/acme/samlp/metadata/demo-sp")
        #expect(metadata.status == .ok)
        #expect(metadata.headers[.contentType] == "application/samlmetadata+xml")
        let document = try XMLDocument.parse(Array(String(buffer: metadata.body).utf8))
        #expect(document.root?.attribute("entityID") == "http://localhost/acme")
        let text = String(buffer: metadata.body)
        let base64 = try #require(text.firstMatch(of: /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/)?.1)
        return try SAMLCertificate(base64: String(base64))
    }

    @Test func spInitiatedSignInThroughTheHostedLoginThenReuseAndReplay() async throws {
        try await TestServer.withRelyingParty { _, rp in
            let certificate = try await Self.certificate(&rp)
            #expect(try await rp.get("/acme/samlp/metadata/nobody").status == .notFound)
            let xml = Self.authnRequest(id: "_first")
            let query = Self.redirectQuery(xml)
            let first = try await rp.get(Self.sso + "?" + query)
            #expect(first.status == .seeOther)
            let location = try #require(first.headers[.location])
            #expect(location.hasPrefix("/acme/u/login?rd="))
            // Sign in on the hosted page, as the OAuth tests do, and come back.
            let back = try await rp.signIn(at: location)
            #expect(back.status == .ok)
            #expect(back.headers[.contentSecurityPolicy]?.contains("script-src 'nonce-") == true)
            let document = try Self.verifiedResponse(back, certificate: certificate)
            #expect(Self.status(document) == ["urn:oasis:names:tc:SAML:2.0:status:Success"])
            #expect(document.root?.attribute("InResponseTo") == "_first")
            #expect(try Self.formFields(back).fields["RelayState"] == "state-1")
            let text = String(decoding: document.serialized(), as: UTF8.self)
            #expect(text.contains(">alice@example.com</saml:NameID>"))
            #expect(text.contains("<saml:Attribute Name=\"name\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\" FriendlyName=\"name\"><saml:AttributeValue xsi:type=\"xs:string\">Alice Example</saml:AttributeValue>"))

            // The same request again: answered once only.
            let replay = try await rp.get(Self.sso + "?" + query)
            #expect(Self.status(try Self.verifiedResponse(replay, certificate: certificate))
                == ["urn:oasis:names:tc:SAML:2.0:status:Requester", "urn:oasis:names:tc:SAML:2.0:status:RequestDenied"])
            // A new request with the session: no login page.
            let second = try await rp.get(Self.sso + "?" + Self.redirectQuery(Self.authnRequest(id: "_second")))
            #expect(try Self.verifiedResponse(second, certificate: certificate).root?.attribute("InResponseTo") == "_second")
            // ForceAuthn: the login page again.
            let forced = try await rp.get(Self.sso + "?" + Self.redirectQuery(Self.authnRequest(attributes: "ForceAuthn=\"true\"")))
            #expect(forced.headers[.location]?.hasPrefix("/acme/u/login?rd=") == true)

            // Single logout ends the session: the next request needs the login page again.
            let logout = """
                <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
                ID="_lo1" Version="2.0" IssueInstant="\(SAMLTime.string(Date()))"><saml:Issuer>http://127.0.0.1:8087/sp</saml:Issuer>\
                <saml:NameID>alice@example.com</saml:NameID></samlp:LogoutRequest>
                """
            let signedOut = try await rp.get(Self.sso + "/logout?" + Self.redirectQuery(logout))
            #expect(signedOut.status == .ok)
            let after = try await rp.get(Self.sso + "?" + Self.redirectQuery(Self.authnRequest()))
            #expect(after.headers[.location]?.hasPrefix("/acme/u/login?rd=") == true)
        }
    }

    @Test func postBindingContinuesAsAGetAndIsPassiveWithoutSessionIsNoPassive() async throws {
        try await TestServer.withRelyingParty { _, rp in
            let certificate = try await Self.certificate(&rp)
            let body = Browser.form([("SAMLRequest", Data(Self.authnRequest().utf8).base64EncodedString()), ("RelayState", "r")])
            let posted = try await rp.client.execute(uri: Self.sso, method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded"], body: body)
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("http://localhost/acme/samlp/demo-sp?SAMLRequest="))
            #expect(try await rp.get(String(location.dropFirst("http://localhost".count))).headers[.location]?
                .hasPrefix("/acme/u/login") == true)
            let passive = try await rp.get(Self.sso + "?" + Self.redirectQuery(Self.authnRequest(attributes: "IsPassive=\"true\"")))
            #expect(Self.status(try Self.verifiedResponse(passive, certificate: certificate))
                == ["urn:oasis:names:tc:SAML:2.0:status:Responder", "urn:oasis:names:tc:SAML:2.0:status:NoPassive"])
        }
    }

    @Test func untrustedRequestsGetAnErrorPageAndNothingIsSent() async throws {
        try await TestServer.withRelyingParty { _, rp in
            for xml in [Self.authnRequest(issuer: "http://evil.test/sp"),
                        Self.authnRequest().replacingOccurrences(of: Self.acs, with: "http://evil.test/acs"),
                        "<!DOCTYPE x [<!ENTITY e \"e\">]>" + Self.authnRequest()] {
                let response = try await rp.get(Self.sso + "?" + Self.redirectQuery(xml))
                #expect(response.status == .badRequest)
                #expect(!String(buffer: response.body).contains("SAMLResponse"))
            }
            #expect(try await rp.get(Self.sso + "?SAMLRequest=%%%").status == .badRequest)
            // IdP-initiated sign-in is off for the demo SP.
            #expect(try await rp.get(Self.sso).status == .badRequest)
        }
    }
}
