import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// An X.509 certificate with an RSA key, as SAML metadata carries it (base64 DER in
/// `ds:X509Certificate`): the IdP's signing certificate, or a service provider's.
public struct SAMLCertificate: Sendable, Hashable {
    /// The DER encoding.
    public let der: [UInt8]
    public let publicKey: _RSA.Signing.PublicKey

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    /// Why a certificate was not usable, in words an operator can act on.
    public enum Problem: Error, Sendable, CustomStringConvertible {
        case unreadable(String)
        case notRSA
        case weakKey(Int)

        public var description: String {
            switch self {
            case .unreadable(let reason): "is not a readable X.509 certificate (\(reason))"
            case .notRSA: "does not hold an RSA key (SAML signatures here are RSA)"
            case .weakKey(let bits): "holds an RSA key of \(bits) bits; at least 2048 are needed"
            }
        }
    }

    /// A PEM certificate (`-----BEGIN CERTIFICATE-----`).
    public init(pem: String) throws(Problem) {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw .unreadable("\(error)")
        }
        try self.init(certificate)
    }

    /// A base64 DER certificate, as in metadata's `ds:X509Certificate` (whitespace allowed).
    public init(base64 text: String) throws(Problem) {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw .unreadable("not base64") }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: Array(data))
        } catch {
            throw .unreadable("\(error)")
        }
        try self.init(certificate)
    }

    init(_ certificate: Certificate) throws(Problem) {
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else { throw .notRSA }
        guard key.keySizeInBits >= 2048 else { throw .weakKey(key.keySizeInBits) }
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate)
        } catch {
            throw .unreadable("\(error)")
        }
        der = serializer.serializedBytes
        publicKey = key
    }

    /// The base64 of the DER, for metadata and KeyInfo.
    public var base64: String { Data(der).base64EncodedString() }

    /// A self-signed certificate for `key`, for an IdP configured with a key and no certificate.
    ///
    /// It is the same certificate on every start and every replica — the service provider pins the
    /// one it took from our metadata — because every field is derived from the key: the serial is
    /// the SHA-256 of the public key, the validity is fixed (2026-01-01 to 2056-01-01; SAML SPs pin
    /// the certificate and do not check its dates, per the metadata interoperability profile), and
    /// RSA PKCS#1 v1.5 signatures are deterministic.
    public static func selfSigned(key: _RSA.Signing.PrivateKey, commonName: String) throws(Problem) -> SAMLCertificate {
        do {
            let publicKey = Certificate.PublicKey(key.publicKey)
            let serial = Array(SHA256.hash(data: key.publicKey.derRepresentation).prefix(16))
            // A positive INTEGER: clear the top bit.
            let serialBytes = [serial[0] & 0x7F] + serial.dropFirst()
            let name = try DistinguishedName { CommonName(String(commonName.prefix(64))) }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(bytes: serialBytes),
                publicKey: publicKey,
                notValidBefore: Date(timeIntervalSince1970: 1_767_225_600),
                notValidAfter: Date(timeIntervalSince1970: 2_713_910_400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .sha256WithRSAEncryption,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                },
                issuerPrivateKey: Certificate.PrivateKey(key))
            return try SAMLCertificate(certificate)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw .unreadable("\(error)")
        }
    }
}
