import PortcullisSAML
import Testing

@Suite("SAML XML: safe parsing and exclusive canonicalization")
struct XMLDocumentTests {
    static let protocolNS = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let assertionNS = "urn:oasis:names:tc:SAML:2.0:assertion"

    static let response = """
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
        xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="r1" Version="2.0">\
        <saml:Issuer>idp</saml:Issuer>\
        <saml:Assertion ID="a1" Version="2.0"><saml:Issuer>idp</saml:Issuer>\
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>\
        <saml:Subject b="2" a="1"/></saml:Assertion></samlp:Response>
        """

    static func parse(_ text: String) throws(XMLError) -> XMLDocument { try XMLDocument.parse(Array(text.utf8)) }

    @Test func navigatesElementsAttributesAndIDs() throws {
        let document = try Self.parse(Self.response)
        let root = try #require(document.root)
        #expect(root.isElement("Response", in: Self.protocolNS))
        #expect(root.attribute("ID") == "r1")
        #expect(root.attribute("Missing") == nil)
        let assertion = try #require(root.children("Assertion", in: Self.assertionNS).first)
        #expect(assertion.children("Issuer", in: Self.assertionNS).first?.text == "idp")
        #expect(root.document(elementsWithID: "a1").count == 1)
        #expect(try #require(root.document(elementsWithID: "a1").first).isSameNode(as: assertion))
        #expect(assertion.parent?.isSameNode(as: root) == true)
    }

    @Test func canonicalizesExclusivelyWithoutTheEnvelopedSignature() throws {
        let document = try Self.parse(Self.response)
        let root = try #require(document.root)
        let assertion = try #require(root.children("Assertion", in: Self.assertionNS).first)
        let signature = try #require(assertion.children.first { $0.name == "Signature" })
        let canonical = try ExclusiveCanonicalization.canonicalize(assertion, excluding: signature)
        // Only the namespace the assertion uses is rendered (not samlp), attributes are sorted,
        // empty elements get end tags, and the Signature is gone.
        #expect(String(decoding: canonical, as: UTF8.self) == """
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" Version="2.0">\
            <saml:Issuer>idp</saml:Issuer><saml:Subject a="1" b="2"></saml:Subject></saml:Assertion>
            """)
        let inclusive = try ExclusiveCanonicalization.canonicalize(assertion, excluding: signature, inclusivePrefixes: ["samlp"])
        #expect(String(decoding: inclusive, as: UTF8.self).hasPrefix(
            #"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol""#))
    }

    @Test func refusesDoctypesEntitiesAndOtherHostileInput() throws {
        let billionLaughs = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>\
            <lolz>&lol2;</lolz>
            """
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
        let externalDTD = #"<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>"#
        for hostile in [billionLaughs, xxe, externalDTD] {
            #expect(throws: XMLError.doctype) { try Self.parse(hostile) }
        }
        #expect(throws: XMLError.notUTF8) { try XMLDocument.parse([0xFF, 0xFE, 0x3C, 0x00, 0x72, 0x00]) }
        #expect(throws: XMLError.notUTF8) { try XMLDocument.parse(Array("<r>\u{0}</r>".utf8)) }
        #expect(throws: XMLError.tooDeep(limit: 48)) { try Self.parse(String(repeating: "<a>", count: 60) + String(repeating: "</a>", count: 60)) }
        var small = XMLDocument.Limits()
        small.maxBytes = 10
        #expect(throws: XMLError.tooLarge(limit: 10)) { try XMLDocument.parse(Array("<root>too long</root>".utf8), limits: small) }
        small = XMLDocument.Limits()
        small.maxNodes = 5
        #expect(throws: XMLError.tooManyNodes(limit: 5)) { try XMLDocument.parse(Array(("<r>" + String(repeating: "<a/>", count: 10) + "</r>").utf8), limits: small) }
        do {
            _ = try Self.parse("<r><unclosed></r>")
            Issue.record("malformed XML was accepted")
        } catch {
            guard case .malformed = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test func twoElementsWithOneIDAreBothFound() throws {
        // The signature-wrapping defence starts here: a reference resolves only when exactly one
        // element carries its ID.
        let wrapped = try Self.parse(#"<r><a ID="x"/><b><a ID="x"/></b></r>"#)
        #expect(try #require(wrapped.root).document(elementsWithID: "x").count == 2)
    }
}
