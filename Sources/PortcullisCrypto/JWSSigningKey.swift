import Crypto
import Foundation
import _CryptoExtras

/// A private key as a swift-crypto value, ready to produce JWS signatures.
///
/// Tokens are signed here rather than through jwt-kit's `JWTKeyCollection`: that type is an actor,
/// so every signature in the process would queue on one executor, and an RS256 signature costs
/// about a millisecond — the token endpoint would be held to one core. swift-crypto keys are
/// thread-safe values, so signing scales with the cores.
enum JWSSigningKey: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case es256(P256.Signing.PrivateKey)
    case eddsa(Curve25519.Signing.PrivateKey)

    /// The signature over `input` in JWS form (RFC 7518 §3): PKCS#1 v1.5 with SHA-256 for RS256,
    /// the 64-byte R‖S for ES256, the raw Ed25519 signature for EdDSA.
    func sign(_ input: [UInt8]) throws -> Data {
        switch self {
        case .rsa(let key):
            return try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation
        case .es256(let key):
            return try key.signature(for: SHA256.hash(data: input)).rawRepresentation
        case .eddsa(let key):
            return try key.signature(for: input)
        }
    }

    var publicKey: JWSVerificationKey {
        switch self {
        case .rsa(let key): .rsa(key.publicKey)
        case .es256(let key): .es256(key.publicKey)
        case .eddsa(let key): .eddsa(key.publicKey)
        }
    }
}
