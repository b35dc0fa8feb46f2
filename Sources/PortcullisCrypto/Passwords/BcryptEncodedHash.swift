import HummingbirdBcrypt

/// An imported bcrypt hash (`$2a$`, `$2b$`, `$2y$` + two-digit cost + 53 characters of salt and hash).
/// We never write bcrypt; we only verify what other systems exported and let the caller upgrade it.
struct BcryptEncodedHash: Sendable, Hashable {
    /// Above this cost one verification holds a hashing worker for many seconds (cost 16 is already
    /// about 65,000 key expansions); such a hash is treated as unreadable rather than as a stall.
    static let maximumCost = 16

    let cost: Int
    /// The hash as HummingbirdBcrypt accepts it: `$2y$` is PHP's name for the same algorithm as
    /// `$2b$`, which the underlying OpenBSD code knows only by the latter name.
    private let normalized: String

    init?(_ encoded: String) {
        let bytes = Array(encoded.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
              bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
              let cost = Int(String(decoding: bytes[4...5], as: UTF8.self)),
              bytes[4...5].allSatisfy({ (0x30...0x39).contains($0) }),
              (4...Self.maximumCost).contains(cost),
              bytes[7...].allSatisfy(Self.isBcryptBase64)
        else { return nil }
        self.cost = cost
        normalized = bytes[2] == UInt8(ascii: "y") ? "$2b" + encoded.dropFirst(3) : encoded
    }

    /// Blocking: run it on a hashing worker.
    func verify(_ password: String) -> Bool {
        // The C code reads the password as a NUL-terminated string, so an embedded NUL would cut the
        // password short and let a prefix match.
        guard !password.utf8.contains(0) else { return false }
        return Bcrypt.verify(password, hash: normalized)
    }

    /// bcrypt's own base64 alphabet: `./A-Za-z0-9`.
    private static func isBcryptBase64(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x2E...0x39).contains(byte)
    }
}
