import Foundation
import JWTKit
import _CryptoExtras
import Crypto
import PortcullisCore

/// A tenant's private signing key, parsed and checked, with its public JWK ready to publish.
public struct SigningKey: Sendable {
    public enum Material: Sendable {
        case rsa(JWTKit.Insecure.RSA.PrivateKey)
        case es256(ES256PrivateKey)
        case eddsa(EdDSA.PrivateKey)
    }

    public let kid: String
    public let algorithm: SigningKeyConfig.Algorithm
    public let material: Material
    /// The public key as a JWK (RFC 7517), with `kid`, `alg` and `use: sig`.
    public let publicJWK: JSONValue
    /// The same key as swift-crypto values, used to sign and verify JWS directly (see ``JWS``).
    let signer: JWSSigningKey

    /// The RSA key itself, for signatures outside JWS (SAML's XML signatures).
    public var rsaPrivateKey: _RSA.Signing.PrivateKey? {
        if case .rsa(let key) = signer { key } else { nil }
    }

    /// Parses a PEM private key for the given algorithm. Weak keys (RSA below 2048 bits), keys of the
    /// wrong type or curve, and malformed PEM are refused with a reason an operator can act on.
    public init(kid: String, algorithm: SigningKeyConfig.Algorithm, pem: String) throws(KeyParseError) {
        self.kid = kid
        self.algorithm = algorithm
        let trimmed = pem.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("-----BEGIN"), trimmed.contains("PRIVATE KEY-----") else {
            throw trimmed.contains("PUBLIC KEY") || trimmed.contains("CERTIFICATE")
                ? .notPrivateKey : .notPEM
        }
        do {
            switch algorithm {
            case .rs256:
                // The permissive parser is used only to tell a weak RSA key ("too small") apart from
                // something that is not an RSA key at all; weak keys are then refused.
                guard let backing = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: trimmed) else {
                    throw KeyParseError.wrongType(expected: "an RSA private key")
                }
                guard backing.keySizeInBits >= 2048 else {
                    throw KeyParseError.weakKey("RSA keys must have at least 2048 bits, this one has \(backing.keySizeInBits)")
                }
                let key = try JWTKit.Insecure.RSA.PrivateKey(backing: backing)
                let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
                material = .rsa(key)
                signer = .rsa(backing)
                publicJWK = ["kty": "RSA", "n": .string(modulus.base64URLEncoded), "e": .string(exponent.base64URLEncoded),
                             "kid": .string(kid), "alg": "RS256", "use": "sig"]
            case .es256:
                guard let key = try? ES256PrivateKey(pem: trimmed) else {
                    throw KeyParseError.wrongType(expected: "an EC private key on curve P-256")
                }
                guard let parameters = key.publicKey.parameters else { throw KeyParseError.notPEM }
                material = .es256(key)
                signer = .es256(try P256.Signing.PrivateKey(pemRepresentation: trimmed))
                publicJWK = ["kty": "EC", "crv": "P-256", "x": .string(parameters.x), "y": .string(parameters.y),
                             "kid": .string(kid), "alg": "ES256", "use": "sig"]
            case .eddsa:
                guard let key = try? EdDSA.PrivateKey(pem: trimmed) else {
                    throw KeyParseError.wrongType(expected: "an Ed25519 private key")
                }
                material = .eddsa(key)
                signer = .eddsa(try Curve25519.Signing.PrivateKey(pemRepresentation: trimmed))
                publicJWK = ["kty": "OKP", "crv": "Ed25519", "x": .string(key.publicKey.rawRepresentation.base64URLEncoded),
                             "kid": .string(kid), "alg": "EdDSA", "use": "sig"]
            }
        } catch let error as KeyParseError {
            throw error
        } catch {
            throw .wrongType(expected: "a private key usable with \(algorithm.rawValue)")
        }
    }

    private init(kid: String, algorithm: SigningKeyConfig.Algorithm, material: Material, publicJWK: JSONValue,
                 signer: JWSSigningKey) {
        self.kid = kid
        self.algorithm = algorithm
        self.material = material
        self.publicJWK = publicJWK
        self.signer = signer
    }

    /// The same key under another key id: parsing is the expensive part, and tenants that share a
    /// key (or a reload that changes only a kid) need not parse it again.
    public func withKID(_ newKID: String) -> SigningKey {
        guard newKID != kid, case .object(var jwk) = publicJWK else { return self }
        jwk["kid"] = .string(newKID)
        return SigningKey(kid: newKID, algorithm: algorithm, material: material, publicJWK: .object(jwk), signer: signer)
    }

    /// A fresh key in PEM form, for development mode only.
    public static func generatePEM(_ algorithm: SigningKeyConfig.Algorithm) throws -> String {
        switch algorithm {
        case .es256: return ES256PrivateKey().pemRepresentation
        case .eddsa: return try EdDSA.PrivateKey(curve: .ed25519).pemRepresentation
        case .rs256: return try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        }
    }
}

public enum KeyParseError: Error, Equatable, CustomStringConvertible {
    case notPEM
    case notPrivateKey
    case wrongType(expected: String)
    case weakKey(String)

    public var description: String {
        switch self {
        case .notPEM: return "is not a PEM-encoded private key"
        case .notPrivateKey: return "holds a public key or certificate, not a private key"
        case .wrongType(let expected): return "is not \(expected)"
        case .weakKey(let reason): return "is too weak: \(reason)"
        }
    }
}

extension Data {
    /// Base64url without padding (RFC 7515 §2).
    public var base64URLEncoded: String {
        // One pass over the bytes: this runs several times for every token signed.
        var bytes = Array(base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "+"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): bytes[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
