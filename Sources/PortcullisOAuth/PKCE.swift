import Crypto
import Foundation
import PortcullisCrypto

/// Proof Key for Code Exchange (RFC 7636).
public enum PKCE {
    public static let methods = ["S256", "plain"]

    /// RFC 7636 §4.1/§4.2: 43–128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    public static func isWellFormed(_ value: String) -> Bool {
        (43...128).contains(value.utf8.count) && value.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
        }
    }

    /// Whether `verifier` answers `challenge` under `method`, compared in constant time.
    public static func verify(verifier: String, challenge: String, method: String) -> Bool {
        guard isWellFormed(verifier) else { return false }
        let expected: String
        switch method {
        case "S256": expected = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded
        case "plain": expected = verifier
        default: return false
        }
        return ConstantTime.equals(Array(expected.utf8), Array(challenge.utf8))
    }
}
