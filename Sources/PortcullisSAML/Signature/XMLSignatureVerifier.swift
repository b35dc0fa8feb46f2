import Crypto
import Foundation
import PortcullisCrypto
import _CryptoExtras

/// Verifies the enveloped signature of one element (a SAML Response, Assertion, AuthnRequest or
/// LogoutRequest) with a key known in advance — never a key the document carries.
///
/// The profile is the one SAML uses and nothing wider: exactly one `ds:Signature` child; exclusive
/// C14N for SignedInfo; exactly one Reference, whose URI is `#` + the element's own `ID`, that ID
/// carried by exactly one element of the document, that element being this one (by node, not by
/// content: the signature-wrapping defence); transforms exactly enveloped-signature then exclusive
/// C14N; SHA-256 digests and RSA-SHA256 (SHA-1 only when `allowSHA1`).
public struct XMLSignatureVerifier: Sendable {
    public var allowSHA1: Bool

    public init(allowSHA1: Bool = false) { self.allowSHA1 = allowSHA1 }

    public func verify(_ element: XMLElement, key: _RSA.Signing.PublicKey) throws(XMLSignatureError) {
        let ds = XMLSignatureAlgorithms.namespace
        let signatures = element.children("Signature", in: ds)
        guard !signatures.isEmpty else { throw .missing }
        guard signatures.count == 1, let signature = signatures.first else { throw .multiple }
        let signedInfo = try only(signature, "SignedInfo")
        let canonicalization = try only(signedInfo, "CanonicalizationMethod")
        guard canonicalization.attribute("Algorithm") == ExclusiveCanonicalization.algorithm else {
            throw .unsupportedAlgorithm(canonicalization.attribute("Algorithm") ?? "(none)")
        }
        let signatureMethod = try only(signedInfo, "SignatureMethod").attribute("Algorithm") ?? ""
        let useSHA1: Bool
        switch signatureMethod {
        case XMLSignatureAlgorithms.rsaSHA256: useSHA1 = false
        case XMLSignatureAlgorithms.rsaSHA1 where allowSHA1: useSHA1 = true
        default: throw .unsupportedAlgorithm(signatureMethod)
        }
        let reference = try only(signedInfo, "Reference")
        guard let id = element.attribute("ID"), !id.isEmpty, reference.attribute("URI") == "#" + id else {
            throw .referenceMismatch
        }
        let holders = element.document(elementsWithID: id)
        guard holders.count == 1, holders[0].isSameNode(as: element) else { throw .referenceMismatch }
        let transforms = try only(reference, "Transforms").children("Transform", in: ds)
        guard transforms.map({ $0.attribute("Algorithm") ?? "" })
                == [XMLSignatureAlgorithms.envelopedSignature, ExclusiveCanonicalization.algorithm]
        else { throw .unsupportedAlgorithm(transforms.map { $0.attribute("Algorithm") ?? "(none)" }.joined(separator: " ")) }
        let digestMethod = try only(reference, "DigestMethod").attribute("Algorithm") ?? ""
        guard digestMethod == XMLSignatureAlgorithms.sha256 || (allowSHA1 && digestMethod == XMLSignatureAlgorithms.sha1) else {
            throw .unsupportedAlgorithm(digestMethod)
        }
        guard let expectedDigest = Self.base64(try only(reference, "DigestValue").text) else {
            throw .malformed("DigestValue is not base64")
        }
        guard let signatureBytes = Self.base64(try only(signature, "SignatureValue").text) else {
            throw .malformed("SignatureValue is not base64")
        }

        let content: [UInt8]
        let canonicalSignedInfo: [UInt8]
        do {
            content = try ExclusiveCanonicalization.canonicalize(element, excluding: signature,
                                                                 inclusivePrefixes: Self.prefixes(transforms[1]))
            canonicalSignedInfo = try ExclusiveCanonicalization.canonicalize(signedInfo,
                                                                             inclusivePrefixes: Self.prefixes(canonicalization))
        } catch {
            throw .xml(error)
        }
        let digest: [UInt8] = digestMethod == XMLSignatureAlgorithms.sha1
            ? Array(Insecure.SHA1.hash(data: content)) : Array(SHA256.hash(data: content))
        guard ConstantTime.equals(digest, expectedDigest) else { throw .digestMismatch }
        let value = _RSA.Signing.RSASignature(rawRepresentation: signatureBytes)
        let valid = useSHA1
            ? key.isValidSignature(value, for: Insecure.SHA1.hash(data: canonicalSignedInfo), padding: .insecurePKCS1v1_5)
            : key.isValidSignature(value, for: SHA256.hash(data: canonicalSignedInfo), padding: .insecurePKCS1v1_5)
        guard valid else { throw .invalidSignature }
    }

    /// The one child `name` in the XML-DSig namespace.
    private func only(_ parent: XMLElement, _ name: String) throws(XMLSignatureError) -> XMLElement {
        let found = parent.children(name, in: XMLSignatureAlgorithms.namespace)
        guard found.count == 1 else { throw .malformed("\(parent.name) must have exactly one \(name)") }
        return found[0]
    }

    /// The InclusiveNamespaces PrefixList of a canonicalization method or transform.
    static func prefixes(_ method: XMLElement) -> [String] {
        method.children("InclusiveNamespaces", in: ExclusiveCanonicalization.algorithm).first?
            .attribute("PrefixList")?.split(separator: " ").map(String.init) ?? []
    }

    /// Base64 as XML-DSig writes it: line breaks and spaces allowed.
    static func base64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text.filter { !$0.isWhitespace }).map(Array.init)
    }
}
