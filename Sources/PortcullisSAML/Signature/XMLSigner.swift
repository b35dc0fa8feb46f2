import Crypto
import Foundation
import _CryptoExtras

/// Signs one element of a document with an enveloped signature in the profile
/// ``XMLSignatureVerifier`` accepts: exclusive C14N, SHA-256, RSA-SHA256, the signer's certificate
/// in KeyInfo (for the service provider's information; it verifies with the certificate from the
/// IdP's metadata).
public struct XMLSigner: Sendable {
    let key: _RSA.Signing.PrivateKey
    let certificateDER: [UInt8]?

    public init(key: _RSA.Signing.PrivateKey, certificateDER: [UInt8]?) {
        self.key = key
        self.certificateDER = certificateDER
    }

    /// Signs `element` (which must carry a unique `ID`) in place. The Signature goes right after
    /// the element's `Issuer` child, where the SAML schema wants it, or first when it has none.
    public func sign(_ element: XMLElement) throws(XMLSignatureError) {
        guard let id = element.attribute("ID"), !id.isEmpty, element.document(elementsWithID: id).count == 1 else {
            throw .referenceMismatch
        }
        do {
            let digest = Data(SHA256.hash(data: try ExclusiveCanonicalization.canonicalize(element))).base64EncodedString()
            // SignedInfo alone, with the ds prefix declared on it: its exclusive canonical form is
            // the one it has inside the Signature (it uses no other namespace), so this is what
            // the verifier will canonicalize and check.
            let signedInfo = """
                <ds:SignedInfo xmlns:ds="\(XMLSignatureAlgorithms.namespace)">\
                <ds:CanonicalizationMethod Algorithm="\(ExclusiveCanonicalization.algorithm)"/>\
                <ds:SignatureMethod Algorithm="\(XMLSignatureAlgorithms.rsaSHA256)"/>\
                <ds:Reference URI="#\(Self.escape(id))"><ds:Transforms>\
                <ds:Transform Algorithm="\(XMLSignatureAlgorithms.envelopedSignature)"/>\
                <ds:Transform Algorithm="\(ExclusiveCanonicalization.algorithm)"/></ds:Transforms>\
                <ds:DigestMethod Algorithm="\(XMLSignatureAlgorithms.sha256)"/>\
                <ds:DigestValue>\(digest)</ds:DigestValue></ds:Reference></ds:SignedInfo>
                """
            let signedInfoDocument = try XMLDocument.parse(Array(signedInfo.utf8))
            guard let signedInfoRoot = signedInfoDocument.root else { throw XMLError.malformed("SignedInfo") }
            let canonical = try ExclusiveCanonicalization.canonicalize(signedInfoRoot)
            let value: String
            do {
                value = try key.signature(for: SHA256.hash(data: canonical), padding: .insecurePKCS1v1_5)
                    .rawRepresentation.base64EncodedString()
            } catch {
                throw XMLSignatureError.invalidSignature
            }
            let keyInfo = certificateDER.map {
                "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(Data($0).base64EncodedString())</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            } ?? ""
            let inner = signedInfo.replacingOccurrences(of: "<ds:SignedInfo xmlns:ds=\"\(XMLSignatureAlgorithms.namespace)\">",
                                                        with: "<ds:SignedInfo>")
            let signature = """
                <ds:Signature xmlns:ds="\(XMLSignatureAlgorithms.namespace)">\(inner)\
                <ds:SignatureValue>\(value)</ds:SignatureValue>\(keyInfo)</ds:Signature>
                """
            let fragment = try XMLDocument.parse(Array(signature.utf8))
            let issuer = element.children.first { $0.name == "Issuer" }
            _ = try element.document.insert(fragment, into: element, after: issuer)
        } catch let error as XMLSignatureError {
            throw error
        } catch let error as XMLError {
            throw .xml(error)
        } catch {
            throw .malformed("\(error)")
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}
