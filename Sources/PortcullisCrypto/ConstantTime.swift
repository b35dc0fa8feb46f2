import Crypto
import Foundation

/// Comparisons of secrets that take the same time whatever the inputs, so response timing tells an
/// attacker nothing about how much of a guess was right.
public enum ConstantTime {
    /// Compares two byte strings in time that depends only on their lengths.
    public static func equals(_ a: some DataProtocol, _ b: some DataProtocol) -> Bool {
        let a = Array(a), b = Array(b)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// Compares a presented secret with a stored SHA-256 digest: both sides are fixed-length digests,
    /// so neither the content nor the length of the stored secret leaks.
    public static func matches(_ presented: String, digest: SecretDigest) -> Bool {
        equals(SecretDigest(of: presented).bytes, digest.bytes)
    }
}

/// SHA-256 of a high-entropy secret (client secrets, refresh tokens). A fast digest is right here:
/// these secrets are long random strings, not guessable passwords, so slowing guesses buys nothing,
/// while the digest keeps the plain secret out of memory dumps and the database.
public struct SecretDigest: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(of secret: some StringProtocol) {
        // Hashed straight from the string's UTF-8 storage: the resolver digests every cookie it sees.
        var hasher = SHA256()
        let hashed: Void? = secret.utf8.withContiguousStorageIfAvailable {
            hasher.update(bufferPointer: UnsafeRawBufferPointer($0))
        }
        if hashed == nil { hasher.update(data: Array(secret.utf8)) }  // strings without contiguous UTF-8
        bytes = hasher.finalize().withUnsafeBytes { Array($0) }
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Lowercase hex, the form stores key records by. Built by table lookup: this runs for every
    /// refresh token, code and session lookup, where `String(format:)` per byte would show.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Random identifiers and tokens from the system's CSPRNG.
public enum RandomToken {
    /// `count` random bytes, base64url-encoded (32 bytes → 43 characters, 256 bits).
    public static func make(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URLEncoded
    }
}
