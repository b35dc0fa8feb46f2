/// Hashes passwords with argon2id and verifies them against stored hashes (argon2id or imported
/// bcrypt). Every method blocks for the full cost of a hash: call them through `PasswordHashingPool`,
/// never directly on an event loop or the Swift concurrency pool.
public struct PasswordHasher: Sendable, Hashable {
    /// The parameters new hashes are made with; stored hashes made otherwise verify with
    /// `needsRehash: true`.
    public let parameters: Argon2idParameters
    /// A well-formed hash with the current parameters that no password is known to match; see
    /// `verifyDummy(password:)`.
    private let dummyHash: String

    public init(parameters: Argon2idParameters = .default) {
        self.parameters = parameters
        // A fixed salt ("portcullis-dummy") and an all-zero digest. Verifying against it does exactly
        // the work of verifying a real hash with these parameters: the full digest is computed
        // before it compares. Built from text, so creating a hasher costs nothing.
        dummyHash = "$argon2id$v=\(Argon2idEncodedHash.currentVersion)"
            + "$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)"
            + "$cG9ydGN1bGxpcy1kdW1teQ$" + String(repeating: "A", count: 43)
    }

    /// A PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash` with a fresh 16-byte salt and a 32-byte digest.
    public func hash(password: String) throws(PasswordHashingError) -> String {
        try Argon2id.hash(password, parameters: parameters)
    }

    /// The PHC string `hash(password:)` would write with this `salt`. Only for comparing our encoder
    /// with other implementations: a real hash must always get a fresh random salt.
    @_spi(Testing)
    public static func encodedHash(
        password: String, salt: [UInt8], parameters: Argon2idParameters
    ) throws(PasswordHashingError) -> String {
        try Argon2id.hash(password, salt: salt, parameters: parameters)
    }

    /// Checks `password` against a stored argon2id or bcrypt hash. Anything else, or a hash whose
    /// costs exceed what we agree to compute, is `.invalid`; `PasswordHashFormat(encoded:)` tells the
    /// caller which stored hashes are unreadable so it can log them.
    public func verify(password: String, against encoded: String) -> PasswordVerification {
        if let stored = Argon2idEncodedHash(encoded) {
            guard Argon2id.verify(password, against: encoded) else { return .invalid }
            return .valid(needsRehash: !isCurrent(stored))
        }
        if let stored = BcryptEncodedHash(encoded) {
            // Always upgrade: bcrypt truncates passwords at 72 bytes and is cheaper to attack on GPUs.
            return stored.verify(password) ? .valid(needsRehash: true) : .invalid
        }
        return .invalid
    }

    /// Spends the time of a real verification and learns nothing. Login calls it when the user does
    /// not exist, so "no such user" and "wrong password" take the same time.
    public func verifyDummy(password: String) {
        _ = Argon2id.verify(password, against: dummyHash)
    }

    private func isCurrent(_ stored: Argon2idEncodedHash) -> Bool {
        stored.parameters == parameters
            && stored.version == Argon2idEncodedHash.currentVersion
            && stored.hashLength == Argon2id.hashLength
            && stored.saltLength >= Argon2id.saltLength
    }
}
