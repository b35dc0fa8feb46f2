import PortcullisArgon2

/// Blocking argon2id password hashing on `PortcullisArgon2` (each thread reuses its own memory; see
/// `Argon2Memory`). Callers run it on a hashing worker. PHC strings are written and read here in
/// exactly the reference implementation's format (`$argon2id$v=19$m=…,t=…,p=…$salt$digest`,
/// unpadded base64), so hashes move freely between this and any other argon2 implementation.
enum Argon2id {
    static let saltLength = 16
    static let hashLength = 32

    /// A PHC string for `password` with a fresh random salt.
    static func hash(_ password: String, parameters: Argon2idParameters) throws(PasswordHashingError) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try hash(password, salt: salt, parameters: parameters)
    }

    /// A PHC string for `password` with the given salt (the dummy hash uses a fixed one).
    static func hash(
        _ password: String, salt: [UInt8], parameters: Argon2idParameters
    ) throws(PasswordHashingError) -> String {
        if let problem = parameters.problem { throw .invalidParameters(problem) }
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
        guard let version = Argon2.Version(rawValue: UInt32(version)) else {
            throw .hashingFailed("unsupported argon2 version \(version)")
        }
        var digest = [UInt8](repeating: 0, count: length)
        let result: Result<Void, Argon2Error> = withSensitiveUTF8(password) { pwd in
            salt.withUnsafeBytes { salt in
                digest.withUnsafeMutableBytes { out in
                    Result { () throws(Argon2Error) in
                        try Argon2.hash(
                            variant: .id, version: version, password: pwd, salt: salt,
                            memoryKiB: parameters.memoryKiB, iterations: parameters.iterations,
                            lanes: parameters.parallelism, into: out)
                    }
                }
            }
        }
        if case let .failure(error) = result { throw .hashingFailed(error.description) }
        return digest
    }
}
