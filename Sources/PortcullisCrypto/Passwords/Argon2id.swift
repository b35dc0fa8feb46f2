import CArgon2

/// Blocking argon2id through libargon2 (see `shim.h` for the per-thread memory it reuses). Callers
/// run it on a hashing worker. PHC strings are written and read here in exactly libargon2's format
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$digest`, unpadded base64), so hashes move freely between this
/// and any other argon2 implementation.
enum Argon2id {
    static let saltLength = 16
    static let hashLength = 32

    /// A PHC string for `password` with a fresh random salt.
    static func hash(_ password: String, parameters: Argon2idParameters) throws(PasswordHashingError) -> String {
        if let problem = parameters.problem { throw .invalidParameters(problem) }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try hash(password, salt: salt, parameters: parameters)
    }

    /// A PHC string for `password` with the given salt (the dummy hash uses a fixed one).
    static func hash(
        _ password: String, salt: [UInt8], parameters: Argon2idParameters
    ) throws(PasswordHashingError) -> String {
        let version = Argon2idEncodedHash.currentVersion
        let digest = try raw(password, salt: salt, parameters: parameters, version: version, length: hashLength)
        return "$argon2id$v=\(version)$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)$"
            + Argon2idEncodedHash.base64(salt) + "$" + Argon2idEncodedHash.base64(digest)
    }

    /// Whether `password` matches `encoded`, compared in constant time. Errors (a malformed string,
    /// no memory) count as no match: the caller learns about unreadable hashes from
    /// `PasswordHashFormat`, not from here.
    static func verify(_ password: String, against encoded: String) -> Bool {
        guard let stored = Argon2idEncodedHash(encoded),
              let digest = try? raw(password, salt: stored.salt, parameters: stored.parameters,
                                    version: stored.version, length: stored.hashLength)
        else { return false }
        return ConstantTime.equals(digest, stored.digest)
    }

    private static func raw(
        _ password: String, salt: [UInt8], parameters: Argon2idParameters, version: Int, length: Int
    ) throws(PasswordHashingError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: length)
        let status = withSensitiveUTF8(password) { pwd in
            digest.withUnsafeMutableBufferPointer { out in
                portcullis_argon2id_raw(
                    UInt32(parameters.iterations), UInt32(parameters.memoryKiB), UInt32(parameters.parallelism),
                    UInt32(version), pwd.baseAddress, pwd.count, salt, salt.count, out.baseAddress, length)
            }
        }
        guard status == ARGON2_OK.rawValue else { throw .hashingFailed(message(for: status)) }
        return digest
    }

    private static func message(for status: Int32) -> String {
        guard let text = argon2_error_message(status) else { return "error \(status)" }
        return String(cString: text)
    }
}
