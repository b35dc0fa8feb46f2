import Crypto
import Foundation
import _CryptoExtras

/// Signs one element of a document with an enveloped signature in the profile
/// ``XMLSignatureVerifier`` accepts: exclusive C14N, SHA-256 (or SHA-1 where an old SP needs it),
/// RSA PKCS#1 v1.5, the signer's certificate in KeyInfo (for the service provider's information;
/// it verifies with the certificate from the IdP's metadata). The RSA operation itself is done by a
/// ``SignatureProducer``: a local key, or a remote signing service holding the key.
public struct XMLSigner: Sendable {
    public let producer: any SignatureProducer
    public let certificateDER: [UInt8]?
    public let algorithm: SignatureAlgorithm
    public let digest: DigestAlgorithm

    public init(producer: any SignatureProducer, certificateDER: [UInt8]?,
                algorithm: SignatureAlgorithm = .rsaSHA256, digest: DigestAlgorithm = .sha256) {
        self.producer = producer
        self.certificateDER = certificateDER
        self.algorithm = algorithm
        self.digest = digest
    }

    /// Signs `element` (which must carry a unique `ID`) in place. The Signature goes right after
    /// the element's `Issuer` child, where the SAML schema wants it, or first when it has none.
    public func sign(_ element: XMLElement) async throws(XMLSignatureError) {
        guard let id = element.attribute("ID"), !id.isEmpty, element.document(elementsWithID: id).count == 1 else {
            throw .referenceMismatch
        }
        let signedInfo: String
        let canonical: [UInt8]
        do {
            let digestValue = Data(digest.hash(try ExclusiveCanonicalization.canonicalize(element))).base64EncodedString()
            // SignedInfo alone, with the ds prefix declared on it: its exclusive canonical form is
            // the one it has inside the Signature (it uses no other namespace), so this is what
            // the verifier will canonicalize and check.
            signedInfo = """
                <ds:SignedInfo xmlns:ds="\(XMLSignatureAlgorithms.namespace)">\
                <ds:CanonicalizationMethod Algorithm="\(ExclusiveCanonicalization.algorithm)"/>\
                <ds:SignatureMethod Algorithm="\(algorithm.uri)"/>\
                <ds:Reference URI="#\(XMLText.attribute(id))"><ds:Transforms>\
                <ds:Transform Algorithm="\(XMLSignatureAlgorithms.envelopedSignature)"/>\
                <ds:Transform Algorithm="\(ExclusiveCanonicalization.algorithm)"/></ds:Transforms>\
                <ds:DigestMethod Algorithm="\(digest.uri)"/>\
                <ds:DigestValue>\(digestValue)</ds:DigestValue></ds:Reference></ds:SignedInfo>
                """
            let signedInfoDocument = try XMLDocument.parse(Array(signedInfo.utf8))
            guard let signedInfoRoot = signedInfoDocument.root else { throw XMLError.malformed("SignedInfo") }
            canonical = try ExclusiveCanonicalization.canonicalize(signedInfoRoot)
        } catch let error as XMLError {
            throw .xml(error)
        } catch {
            throw .malformed("\(error)")
        }
        let value: [UInt8]
        do {
            value = try await producer.signature(for: canonical, algorithm: algorithm)
        } catch {
            throw .signerFailed("\(error)")
        }
        do {
            let keyInfo = certificateDER.map {
                "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(Data($0).base64EncodedString())</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            } ?? ""
            let inner = signedInfo.replacingOccurrences(of: "<ds:SignedInfo xmlns:ds=\"\(XMLSignatureAlgorithms.namespace)\">",
                                                        with: "<ds:SignedInfo>")
            let signature = """
                <ds:Signature xmlns:ds="\(XMLSignatureAlgorithms.namespace)">\(inner)\
                <ds:SignatureValue>\(Data(value).base64EncodedString())</ds:SignatureValue>\(keyInfo)</ds:Signature>
                """
            let fragment = try XMLDocument.parse(Array(signature.utf8))
            let issuer = element.children.first { $0.name == "Issuer" }
            _ = try element.document.insert(fragment, into: element, after: issuer)
        } catch {
            throw .xml(error)
        }
    }
}

/// The RSA signature algorithms we sign with (PKCS#1 v1.5).
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    case rsaSHA256, rsaSHA1

    public var uri: String {
        switch self {
        case .rsaSHA256: XMLSignatureAlgorithms.rsaSHA256
        case .rsaSHA1: XMLSignatureAlgorithms.rsaSHA1
        }
    }

    /// The hash inside the RSA signature.
    public var digest: DigestAlgorithm { self == .rsaSHA256 ? .sha256 : .sha1 }

    public init?(uri: String) {
        guard let match = Self.allCases.first(where: { $0.uri == uri }) else { return nil }
        self = match
    }
}

/// The digest algorithms of References.
public enum DigestAlgorithm: String, Sendable {
    case sha256, sha1

    public var uri: String { self == .sha256 ? XMLSignatureAlgorithms.sha256 : XMLSignatureAlgorithms.sha1 }

    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha1: Array(Insecure.SHA1.hash(data: bytes))
        }
    }
}

/// Makes the RSA PKCS#1 v1.5 signature of a digest: with a key in memory (``LocalRSASigner``) or
/// through a remote service that holds the key (an HSM or KMS behind an HTTP signer).
public protocol SignatureProducer: Sendable {
    /// The signature value of `message` (the canonical SignedInfo, or a Redirect-binding query):
    /// PKCS#1 v1.5 over its hash by `algorithm.digest`. A remote producer sends only that hash.
    func signature(for message: [UInt8], algorithm: SignatureAlgorithm) async throws -> [UInt8]
}

/// Signs with a private key held in this process.
public struct LocalRSASigner: SignatureProducer {
    public let key: _RSA.Signing.PrivateKey

    public init(key: _RSA.Signing.PrivateKey) { self.key = key }

    public func signature(for message: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8] {
        let signature = switch algorithm {
        case .rsaSHA256: try key.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        case .rsaSHA1: try key.signature(for: Insecure.SHA1.hash(data: message), padding: .insecurePKCS1v1_5)
        }
        return Array(signature.rawRepresentation)
    }
}
