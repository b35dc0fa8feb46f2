import Crypto
import Foundation

/// `Portcullis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` — the scheme of
/// Stripe's and Standard Webhooks' signatures: the timestamp is signed with the body, so a captured
/// request cannot be replayed after the receiver's window (5 minutes) has passed.
public enum WebhookSignature {
    public static let headerName = "Portcullis-Signature"
    /// How old a signature a receiver should accept.
    public static let tolerance: TimeInterval = 300

    public static func header(key: [UInt8], timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(mac(key: key, timestamp: timestamp, body: body)))"
    }

    /// Whether `header` signs `body` with `key` within the tolerance of `now` (any `v1` matching,
    /// so a receiver can hold an old and a new key during a rotation). Compared in constant time.
    public static func verify(_ header: String, body: [UInt8], key: [UInt8], now: Date = Date()) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= tolerance else { return false }
        return signatures.contains { candidate in
            guard let bytes = unhex(candidate), bytes.count == SHA256.byteCount else { return false }
            // HMAC's own comparison is constant-time over the two codes.
            return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: signed(timestamp, body),
                                                          using: SymmetricKey(data: key))
        }
    }

    static func mac(key: [UInt8], timestamp: Int, body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: signed(timestamp, body), using: SymmetricKey(data: key)))
    }

    private static func signed(_ timestamp: Int, _ body: [UInt8]) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
