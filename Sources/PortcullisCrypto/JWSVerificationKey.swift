import Crypto
import Foundation
import _CryptoExtras
import PortcullisCore

/// A public key that can check JWS signatures: a tenant's own key, or one from a client's JWK Set
/// (`private_key_jwt`, RFC 7523).
public enum JWSVerificationKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case es256(P256.Signing.PublicKey)
    case eddsa(Curve25519.Signing.PublicKey)

    /// The JWS `alg` this key verifies. A token whose header names another algorithm is refused,
    /// so an attacker cannot pick a weaker interpretation of the key (RFC 8725 §3.1).
    public var algorithm: String {
        switch self {
        case .rsa: "RS256"
        case .es256: "ES256"
        case .eddsa: "EdDSA"
        }
    }

    public func isValidSignature(_ signature: Data, for input: some DataProtocol) -> Bool {
        switch self {
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                        for: SHA256.hash(data: Data(input)), padding: .insecurePKCS1v1_5)
        case .es256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: Data(input)))
        case .eddsa(let key):
            return key.isValidSignature(signature, for: Data(input))
        }
    }

    /// Reads one JWK (RFC 7517) of type RSA (2048 bits or more), EC P-256 or OKP Ed25519.
    /// Returns `nil` for anything else: private keys are never expected here, and unknown key
    /// types are simply unusable.
    public init?(jwk: JSONValue) {
        guard case .object(let fields) = jwk, case .string(let kty)? = fields["kty"] else { return nil }
        func bytes(_ name: String) -> Data? {
            guard case .string(let text)? = fields[name] else { return nil }
            return Data(base64URLEncoded: text)
        }
        switch kty {
        case "RSA":
            guard let n = bytes("n"), let e = bytes("e"),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048 else { return nil }
            self = .rsa(key)
        case "EC":
            guard case .string("P-256")? = fields["crv"], let x = bytes("x"), let y = bytes("y"),
                  x.count == 32, y.count == 32,
                  let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else { return nil }
            self = .es256(key)
        case "OKP":
            guard case .string("Ed25519")? = fields["crv"], let x = bytes("x"),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else { return nil }
            self = .eddsa(key)
        default:
            return nil
        }
    }
}

extension Data {
    /// Decodes base64url without padding (RFC 7515 §2); `nil` for anything else.
    public init?(base64URLEncoded text: some StringProtocol) {
        self.init(base64URLEncodedBytes: text.utf8)
    }

    /// The same from the text's UTF-8 bytes.
    public init?(base64URLEncodedBytes text: some Collection<UInt8>) {
        // Byte by byte, not with String.replacingOccurrences: every JWS a request carries is
        // decoded here, and Foundation's string search cost more than the signature check.
        var bytes = Array(text)
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "-"): bytes[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): bytes[index] = UInt8(ascii: "/")
            case UInt8(ascii: "="): return nil
            default: break
            }
        }
        switch bytes.count % 4 {
        case 2: bytes += [UInt8(ascii: "="), UInt8(ascii: "=")]
        case 3: bytes.append(UInt8(ascii: "="))
        case 1: return nil
        default: break
        }
        self.init(base64Encoded: Data(bytes))
    }
}
