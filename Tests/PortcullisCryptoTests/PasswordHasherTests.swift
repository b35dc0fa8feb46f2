import PortcullisCrypto
import Testing

/// Small costs keep the suite fast; the behaviour does not depend on them.
let fastParameters = Argon2idParameters(memoryKiB: 8192, iterations: 1, parallelism: 1)

@Suite("Password hashing with argon2id")
struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: fastParameters)

    @Test func hashThenVerifyRoundTrips() throws {
        let encoded = try hasher.hash(password: "correct horse battery staple")
        #expect(hasher.verify(password: "correct horse battery staple", against: encoded) == .valid(needsRehash: false))
    }

    @Test func wrongPasswordIsInvalid() throws {
        let encoded = try hasher.hash(password: "correct horse battery staple")
        #expect(hasher.verify(password: "correct horse battery stapler", against: encoded) == .invalid)
        #expect(hasher.verify(password: "", against: encoded) == .invalid)
    }

    @Test func writesPHCStringsWithFreshSalt() throws {
        let first = try hasher.hash(password: "hunter2")
        let second = try hasher.hash(password: "hunter2")
        // 16-byte salt → 22 base64 characters, 32-byte digest → 43, both unpadded.
        let phc = /^\$argon2id\$v=19\$m=8192,t=1,p=1\$[A-Za-z0-9+\/]{22}\$[A-Za-z0-9+\/]{43}$/
        #expect(first.wholeMatch(of: phc) != nil, "\(first)")
        #expect(first != second)
        #expect(PasswordHashFormat(encoded: first) == .argon2id(fastParameters))
    }

    @Test func defaultParametersAreOWASPs() throws {
        #expect(Argon2idParameters.default == Argon2idParameters(memoryKiB: 19_456, iterations: 2, parallelism: 1))
        let encoded = try PasswordHasher().hash(password: "x")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
    }

    @Test func changedParametersAskForRehash() throws {
        let encoded = try hasher.hash(password: "hunter2")
        let stronger = PasswordHasher(parameters: Argon2idParameters(memoryKiB: 8192, iterations: 2, parallelism: 1))
        #expect(stronger.verify(password: "hunter2", against: encoded) == .valid(needsRehash: true))
        #expect(stronger.verify(password: "hunter3", against: encoded) == .invalid)
    }

    /// The reference vector from libargon2's own test suite ("password", salt "somesalt"). Its salt
    /// is 8 bytes, shorter than the 16 we use, so even with the same costs it asks for a rehash.
    @Test func verifiesReferenceVector() {
        let reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
        let sameParameters = PasswordHasher(parameters: Argon2idParameters(memoryKiB: 65536, iterations: 2, parallelism: 1))
        #expect(sameParameters.verify(password: "password", against: reference) == .valid(needsRehash: true))
        #expect(hasher.verify(password: "password", against: reference) == .valid(needsRehash: true))
        #expect(hasher.verify(password: "Password", against: reference) == .invalid)
    }

    @Test(arguments: ["", "pässwörd 🔐", "with\u{0}nul", String(repeating: "long", count: 1000)])
    func hashesAnyPassword(_ password: String) throws {
        let encoded = try hasher.hash(password: password)
        #expect(hasher.verify(password: password, against: encoded) == .valid(needsRehash: false))
        #expect(hasher.verify(password: password + "x", against: encoded) == .invalid)
    }

    @Test func refusesUnusableParameters() {
        let tooSmall = PasswordHasher(parameters: Argon2idParameters(memoryKiB: 8, iterations: 1, parallelism: 4))
        #expect(tooSmall.parameters.problem != nil)
        #expect(throws: PasswordHashingError.invalidParameters("memory_kib must be at least 8 × parallelism (32)")) {
            try tooSmall.hash(password: "x")
        }
        #expect(Argon2idParameters(memoryKiB: 8192, iterations: 0, parallelism: 1).problem != nil)
        #expect(Argon2idParameters.default.problem == nil)
    }

    @Test func errorDescriptionsNeverContainThePassword() {
        let tooSmall = PasswordHasher(parameters: Argon2idParameters(memoryKiB: 8, iterations: 0, parallelism: 1))
        do {
            _ = try tooSmall.hash(password: "s3cret-value")
            Issue.record("expected an error")
        } catch {
            #expect(!String(describing: error).contains("s3cret-value"))
        }
    }

    @Test func dummyVerificationNeverMatches() {
        // Nothing to observe but that it returns; its cost is measured in PasswordHashingPoolTests.
        hasher.verifyDummy(password: "")
        hasher.verifyDummy(password: "password")
    }
}
