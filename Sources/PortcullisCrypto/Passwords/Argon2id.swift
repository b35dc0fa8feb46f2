import CArgon2

/// Thin, blocking wrapper around libargon2's argon2id functions. Callers run it on a hashing worker.
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
        let (t, m, p) = (UInt32(parameters.iterations), UInt32(parameters.memoryKiB), UInt32(parameters.parallelism))
        // The length includes the terminating NUL.
        let encodedLength = argon2_encodedlen(t, m, p, UInt32(salt.count), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let status = withSensitiveUTF8(password) { pwd in
            argon2id_hash_encoded(
                t, m, p, pwd.baseAddress, pwd.count, salt, salt.count, hashLength, &encoded, encodedLength
            )
        }
        guard status == ARGON2_OK.rawValue else { throw .hashingFailed(message(for: status)) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `encoded`. Errors (a malformed string, no memory) count as no
    /// match: the caller learns about unreadable hashes from `PasswordHashFormat`, not from here.
    static func verify(_ password: String, against encoded: String) -> Bool {
        let status = withSensitiveUTF8(password) { pwd in
            argon2id_verify(encoded, pwd.baseAddress, pwd.count)
        }
        return status == ARGON2_OK.rawValue
    }

    private static func message(for status: Int32) -> String {
        guard let text = argon2_error_message(status) else { return "error \(status)" }
        return String(cString: text)
    }
}
