import CArgon2
import PortcullisCrypto
import Testing

/// Hashes are computed through our own libargon2 context (reusable memory) and encoded by us: they
/// must be byte-for-byte what libargon2's own encoder writes, and verify both ways.
@Suite("argon2id compatibility with libargon2's encoder")
struct Argon2CompatibilityTests {
    static let parameters = Argon2idParameters(memoryKiB: 8192, iterations: 2, parallelism: 1)

    /// libargon2's own PHC string for `password`.
    func reference(_ password: String, salt: [UInt8], parameters: Argon2idParameters = Self.parameters) -> String {
        let (t, m, p) = (UInt32(parameters.iterations), UInt32(parameters.memoryKiB), UInt32(parameters.parallelism))
        let length = argon2_encodedlen(t, m, p, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let bytes = Array(password.utf8)
        let status = argon2id_hash_encoded(t, m, p, bytes, bytes.count, salt, salt.count, 32, &encoded, length)
        #expect(status == ARGON2_OK.rawValue)
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test(arguments: [1, 2])
    func libargon2HashesVerifyAndOursVerifyThere(parallelism: Int) throws {
        let parameters = Argon2idParameters(memoryKiB: 8192, iterations: 2, parallelism: parallelism)
        let hasher = PasswordHasher(parameters: parameters)
        let salt = Array("sixteen byte salt".utf8.prefix(16))
        let theirs = reference("pässwörd", salt: salt, parameters: parameters)
        #expect(hasher.verify(password: "pässwörd", against: theirs) == .valid(needsRehash: false))
        #expect(hasher.verify(password: "passwörd", against: theirs) == .invalid)

        let ours = try hasher.hash(password: "pässwörd")
        let bytes = Array("pässwörd".utf8)
        #expect(argon2id_verify(ours, bytes, bytes.count) == ARGON2_OK.rawValue)
        #expect(ours.hasPrefix("$argon2id$v=19$m=8192,t=2,p=\(parallelism)$"))
    }

    @Test func manyHashesOnOneThreadReuseTheBlockCorrectly() throws {
        // Growing and shrinking costs on the same thread: the block is reused or grown, never too small.
        for memory in [8192, 16384, 8192, 12288] {
            let parameters = Argon2idParameters(memoryKiB: memory, iterations: 1, parallelism: 1)
            let hasher = PasswordHasher(parameters: parameters)
            let encoded = try hasher.hash(password: "secret-\(memory)")
            let bytes = Array("secret-\(memory)".utf8)
            #expect(argon2id_verify(encoded, bytes, bytes.count) == ARGON2_OK.rawValue)
        }
    }
}
