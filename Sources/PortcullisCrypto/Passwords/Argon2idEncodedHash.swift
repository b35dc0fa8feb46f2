import Foundation

/// The fields of an argon2id PHC string, parsed with the same grammar the reference implementation
/// (libargon2) accepts (`$argon2id[$v=V]$m=M,t=T,p=P$salt$hash`, unpadded standard base64). Parsing
/// before hashing lets us refuse absurd costs and decide `needsRehash` without touching the password.
struct Argon2idEncodedHash: Sendable, Hashable {
    /// Argon2's current version, 0x13. Hashes without `v=` are the older 0x10.
    static let currentVersion = 19

    let version: Int
    let parameters: Argon2idParameters
    let salt: [UInt8]
    let digest: [UInt8]
    var saltLength: Int { salt.count }
    var hashLength: Int { digest.count }

    init?(_ encoded: String) {
        var fields = encoded.split(separator: "$", omittingEmptySubsequences: false)[...]
        guard fields.popFirst() == "", fields.popFirst() == "argon2id" else { return nil }
        if let field = fields.first, field.hasPrefix("v=") {
            guard let version = Self.decimal(field.dropFirst(2)) else { return nil }
            self.version = version
            fields = fields.dropFirst()
        } else {
            version = 0x10
        }
        guard fields.count == 3, let parameters = Self.costs(fields[fields.startIndex]),
              parameters.problem == nil,
              let salt = Self.base64Bytes(fields[fields.startIndex + 1]),
              let digest = Self.base64Bytes(fields[fields.startIndex + 2]),
              case let (saltLength, hashLength) = (salt.count, digest.count),
              version == 0x10 || version == Self.currentVersion,
              // libargon2's own minimums; below them it refuses to verify.
              saltLength >= 8, hashLength >= 4
        else { return nil }
        self.parameters = parameters
        self.salt = salt
        self.digest = digest
    }

    /// `m=…,t=…,p=…`, in exactly that order as libargon2 writes and requires it.
    private static func costs(_ field: Substring) -> Argon2idParameters? {
        let parts = field.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasPrefix("m="), parts[1].hasPrefix("t="), parts[2].hasPrefix("p="),
              let memory = decimal(parts[0].dropFirst(2)),
              let iterations = decimal(parts[1].dropFirst(2)),
              let parallelism = decimal(parts[2].dropFirst(2))
        else { return nil }
        return Argon2idParameters(memoryKiB: memory, iterations: iterations, parallelism: parallelism)
    }

    /// Plain ASCII digits only: `Int("+5")` would accept a sign that libargon2 refuses.
    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 10, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// The bytes of unpadded standard base64 (libargon2's encoding), or `nil` if it is not such base64.
    private static func base64Bytes(_ text: Substring) -> [UInt8]? {
        guard base64Length(text) != nil else { return nil }
        let padded = String(text) + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map(Array.init)
    }

    /// Unpadded standard base64 of `bytes`, as libargon2 writes salts and digests.
    static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decoded byte count of unpadded standard base64, or `nil` if the text is not such base64.
    private static func base64Length(_ text: Substring) -> Int? {
        let isBase64 = text.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
        }
        let count = text.utf8.count
        guard isBase64, count % 4 != 1 else { return nil }
        return count * 3 / 4
    }
}
