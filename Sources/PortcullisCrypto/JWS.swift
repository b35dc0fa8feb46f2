import Foundation
import PortcullisCore

/// JSON Web Signature in compact serialization (RFC 7515 §7.1), the form of every JWT Portcullis
/// issues or accepts. Written here on swift-crypto (see ``JWSSigningKey`` for why not jwt-kit's
/// actor); the format itself is three base64url parts and a dot between each.
public enum JWS {
    /// Signs `payload` (the claims' JSON) with `key`. The header carries `alg`, `kid` and `typ`.
    public static func sign(payload: Data, key: SigningKey, type: String = "JWT") throws -> String {
        let header = #"{"alg":"\#(key.algorithm.rawValue)","kid":\#(jsonString(key.kid)),"typ":\#(jsonString(type))}"#
        var input = Array(Data(header.utf8).base64URLEncoded.utf8)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: payload.base64URLEncoded.utf8)
        let signature = try key.signer.sign(input)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: signature.base64URLEncoded.utf8)
        return String(decoding: input, as: UTF8.self)
    }

    /// A compact JWS taken apart, signature not yet checked.
    public struct Parts: Sendable {
        public let header: [String: JSONValue]
        public let payload: Data
        public let signingInput: Substring
        public let signature: Data

        public var algorithm: String? { header["alg"]?.stringValue }
        public var keyID: String? { header["kid"]?.stringValue }
        public var type: String? { header["typ"]?.stringValue }

        /// Whether `key` made the signature and the header's `alg` is the key's algorithm.
        public func isSigned(by key: JWSVerificationKey) -> Bool {
            algorithm == key.algorithm && key.isValidSignature(signature, for: Array(signingInput.utf8))
        }
    }

    /// The largest token accepted: far above any token Portcullis issues, small enough that a
    /// hostile header cannot make us decode megabytes.
    public static let maximumLength = 16 * 1024

    /// Splits and decodes a compact JWS; `nil` if it is not one (wrong number of parts, bad
    /// base64url, a header that is not a JSON object, or longer than ``maximumLength``).
    public static func parse(_ token: some StringProtocol) -> Parts? {
        guard token.utf8.count <= maximumLength else { return nil }
        // Split on the UTF-8 bytes: String's generic split compares characters and costs more
        // than the signature check.
        let token = String(token)
        let pieces = token.utf8.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard pieces.count == 3,
              let headerData = Data(base64URLEncodedBytes: pieces[0]),
              let payload = Data(base64URLEncodedBytes: pieces[1]),
              let signature = Data(base64URLEncodedBytes: pieces[2]),
              case .object(let header)? = try? JSONDecoder().decode(JSONValue.self, from: headerData)
        else { return nil }
        return Parts(header: header, payload: payload, signingInput: token[..<pieces[1].endIndex], signature: signature)
    }

    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension SigningKey {
    /// The public half, for checking tokens this key signed.
    public var verificationKey: JWSVerificationKey { signer.publicKey }
}
