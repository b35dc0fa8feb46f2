import Crypto
import Foundation
import PortcullisSAML
import Testing
import _CryptoExtras

@Suite("SAML XML: enveloped signatures, and the forgeries they must refuse")
struct XMLSignatureTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let assertionNS = "urn:oasis:names:tc:SAML:2.0:assertion"

    static let response = """
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0">\
        <saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.test</saml:Issuer>\
        <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0">\
        <saml:Issuer>https://idp.test</saml:Issuer><saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject>\
        </saml:Assertion></samlp:Response>
        """

    /// The response with its assertion signed, as text.
    static func signed() async throws -> String {
        let document = try XMLDocument.parse(Array(response.utf8))
        let assertion = try #require(document.root?.children("Assertion", in: assertionNS).first)
        try await XMLSigner(producer: LocalRSASigner(key: key), certificateDER: nil).sign(assertion)
        return String(decoding: document.serialized(), as: UTF8.self)
    }

    static func verifyAssertion(_ text: String, key: _RSA.Signing.PublicKey = key.publicKey,
                                verifier: XMLSignatureVerifier = XMLSignatureVerifier()) throws {
        let document = try XMLDocument.parse(Array(text.utf8))
        // The relying code's view: the assertion it will read is the first one of the Response.
        let assertion = try #require(document.root?.children("Assertion", in: assertionNS).first)
        try verifier.verify(assertion, key: key)
    }

    static func expect(_ error: XMLSignatureError, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: error, sourceLocation: sourceLocation) { try verifyAssertion(text) }
    }

    @Test func signedAssertionVerifiesAndSitsAfterTheIssuer() async throws {
        let text = try await Self.signed()
        try Self.verifyAssertion(text)
        let document = try XMLDocument.parse(Array(text.utf8))
        let assertion = try #require(document.root?.children("Assertion", in: Self.assertionNS).first)
        #expect(assertion.children.map(\.name) == ["Issuer", "Signature", "Subject"])
    }

    @Test func tamperingAndWrongKeysAreRefused() async throws {
        let text = try await Self.signed()
        Self.expect(.digestMismatch, text.replacingOccurrences(of: "alice@example.com", with: "mallory@example.com"))
        #expect(throws: XMLSignatureError.invalidSignature) { try Self.verifyAssertion(text, key: Self.otherKey.publicKey) }
        let value = try #require(text.range(of: "<ds:SignatureValue>")?.upperBound)
        var flipped = text
        flipped.replaceSubrange(value..<text.index(value, offsetBy: 4), with: text[value..<text.index(value, offsetBy: 4)] == "AAAA" ? "BBBB" : "AAAA")
        Self.expect(.invalidSignature, flipped)
        // Stripped: no signature at all.
        let start = try #require(text.range(of: "<ds:Signature ")?.lowerBound)
        let end = try #require(text.range(of: "</ds:Signature>")?.upperBound)
        var stripped = text
        stripped.removeSubrange(start..<end)
        Self.expect(.missing, stripped)
    }

    @Test func signatureWrappingVariantsAreRefused() async throws {
        let text = try await Self.signed()
        let signatureStart = try #require(text.range(of: "<ds:Signature ")?.lowerBound)
        let signatureEnd = try #require(text.range(of: "</ds:Signature>")?.upperBound)
        let signature = String(text[signatureStart..<signatureEnd])
        let assertionStart = try #require(text.range(of: "<saml:Assertion ")?.lowerBound)
        let assertionEnd = try #require(text.range(of: "</saml:Assertion>")?.upperBound)
        let original = String(text[assertionStart..<assertionEnd])
        let evil = original.replacingOccurrences(of: signature, with: "").replacingOccurrences(of: "alice@", with: "mallory@")

        // 1. An evil assertion first, the signed original after it: the one read is not signed.
        Self.expect(.missing, text.replacingOccurrences(of: original, with: evil + original))
        // 1b. The signed original first, an evil copy with its ID after it: the ID is not unique.
        Self.expect(.referenceMismatch, text.replacingOccurrences(of: original, with: original + evil))
        // 2. The signed original hidden inside an extension of the evil one: the one read is not signed.
        Self.expect(.missing, text.replacingOccurrences(
            of: original, with: evil.replacingOccurrences(of: "</saml:Assertion>", with: "<saml:Advice>\(original)</saml:Advice></saml:Assertion>")))
        // 3. The evil assertion with a new ID, carrying the original's signature (its reference names the old ID).
        Self.expect(.referenceMismatch, text.replacingOccurrences(
            of: original, with: evil.replacingOccurrences(of: "ID=\"_a1\"", with: "ID=\"_evil\"")
                .replacingOccurrences(of: "<saml:Subject>", with: signature + "<saml:Subject>")))
        // 4. The evil assertion alone, its signature removed.
        Self.expect(.missing, text.replacingOccurrences(of: original, with: evil))
        // 5. A second signature beside the first.
        Self.expect(.multiple, text.replacingOccurrences(of: signature, with: signature + signature))
        // 6. The reference pointing to another element (the Response).
        Self.expect(.referenceMismatch, text.replacingOccurrences(of: "URI=\"#_a1\"", with: "URI=\"#_r1\""))
        // 7. An empty reference URI (the whole document).
        Self.expect(.referenceMismatch, text.replacingOccurrences(of: "URI=\"#_a1\"", with: "URI=\"\""))
        // 8. The enveloped transform dropped (or any transform changed) is not our profile.
        Self.expect(.unsupportedAlgorithm("http://www.w3.org/2001/10/xml-exc-c14n#"), text.replacingOccurrences(
            of: "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>", with: ""))
        // 9. The ID repeated deep inside the signed assertion: every element of the document is checked.
        Self.expect(.referenceMismatch, text.replacingOccurrences(
            of: "<saml:Subject>", with: "<saml:Subject><saml:NameID ID=\"_a1\">x</saml:NameID>"))
    }

    @Test func weakAlgorithmsAreRefusedUnlessAllowed() async throws {
        let text = try await Self.signed()
        let sha1 = text.replacingOccurrences(of: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                                             with: "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
        Self.expect(.unsupportedAlgorithm("http://www.w3.org/2000/09/xmldsig#rsa-sha1"), sha1)
        // Allowed, SHA-1 is checked for real: this signature was made over SHA-256, so it fails.
        #expect(throws: XMLSignatureError.invalidSignature) {
            try Self.verifyAssertion(sha1, verifier: XMLSignatureVerifier(allowSHA1: true))
        }
        let inclusive = text.replacingOccurrences(of: "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                                                  with: "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>")
        Self.expect(.unsupportedAlgorithm("http://www.w3.org/TR/2001/REC-xml-c14n-20010315"), inclusive)
    }
}
