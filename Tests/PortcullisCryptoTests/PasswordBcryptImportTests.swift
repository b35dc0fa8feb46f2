import HummingbirdBcrypt
import PortcullisCrypto
import Testing

@Suite("Imported bcrypt hashes")
struct PasswordBcryptImportTests {
    let hasher = PasswordHasher(parameters: fastParameters)

    @Test func generatedBcryptHashVerifiesAndAsksForUpgrade() {
        let encoded = Bcrypt.hash("hunter2", cost: 4)
        #expect(encoded.hasPrefix("$2b$04$"))
        #expect(hasher.verify(password: "hunter2", against: encoded) == .valid(needsRehash: true))
        #expect(hasher.verify(password: "hunter3", against: encoded) == .invalid)
        #expect(PasswordHashFormat(encoded: encoded) == .bcrypt(cost: 4))
    }

    /// Vectors computed independently with libxcrypt (glibc `crypt`), and Openwall's crypt_blowfish
    /// test vector for "U*U". `$2y$` is PHP's name for `$2b$`.
    @Test(arguments: [
        ("$2a$10$N9qo8uLOickgx2ZMRZoMye8fOsiTWZqYtkxvXkKm8BMzjT7t/vIdq", "password"),
        ("$2y$10$N9qo8uLOickgx2ZMRZoMye8fOsiTWZqYtkxvXkKm8BMzjT7t/vIdq", "password"),
        ("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"),
        ("$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"),
    ])
    func knownVectorsVerify(encoded: String, password: String) {
        #expect(hasher.verify(password: password, against: encoded) == .valid(needsRehash: true))
        #expect(hasher.verify(password: password + "!", against: encoded) == .invalid)
    }

    @Test func embeddedNulCannotMatchAPrefix() {
        let encoded = "$2a$10$N9qo8uLOickgx2ZMRZoMye8fOsiTWZqYtkxvXkKm8BMzjT7t/vIdq"
        #expect(hasher.verify(password: "password\u{0}anything", against: encoded) == .invalid)
    }

    @Test func refusesCostsThatWouldStallAWorker() {
        let encoded = "$2b$17$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
        #expect(PasswordHashFormat(encoded: encoded) == nil)
        #expect(hasher.verify(password: "U*U", against: encoded) == .invalid)
    }
}
