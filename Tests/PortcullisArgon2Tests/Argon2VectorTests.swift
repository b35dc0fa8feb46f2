import PortcullisArgon2
import Testing

/// Known answers: RFC 9106 §5 (all three variants with secret and associated data, four lanes) and
/// the reference implementation's own test suite (phc-winner-argon2 `src/test.c`: argon2i in both
/// versions and argon2id, password "password" unless named, 32-byte tags).
@Suite("Argon2 known-answer vectors")
struct Argon2VectorTests {
    @Test(arguments: [
        (Argon2.Variant.d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"),
        (Argon2.Variant.i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"),
        (Argon2.Variant.id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
    ])
    func rfc9106(variant: Argon2.Variant, tag: String) throws {
        let computed = try Argon2.hash(
            variant: variant, version: .v13,
            password: [UInt8](repeating: 1, count: 32), salt: [UInt8](repeating: 2, count: 16),
            secret: [UInt8](repeating: 3, count: 8), associatedData: [UInt8](repeating: 4, count: 12),
            memoryKiB: 32, iterations: 3, lanes: 4, tagLength: 32)
        #expect(hex(computed) == tag)
    }

    struct Reference: Sendable, CustomTestStringConvertible {
        let variant: Argon2.Variant
        let version: Argon2.Version
        let iterations: Int
        let memoryKiB: Int
        let lanes: Int
        let password: String
        let salt: String
        let tag: String
        var testDescription: String { "\(variant) v\(version.rawValue) t=\(iterations) m=\(memoryKiB) p=\(lanes) \(password)/\(salt)" }

        init(_ variant: Argon2.Variant, _ version: Argon2.Version, t: Int, m: Int, p: Int,
             password: String = "password", salt: String = "somesalt", tag: String) {
            (self.variant, self.version, iterations, memoryKiB, lanes) = (variant, version, t, m, p)
            (self.password, self.salt, self.tag) = (password, salt, tag)
        }
    }

    static let reference: [Reference] = [
        Reference(.i, .v10, t: 2, m: 65536, p: 1, tag: "f6c4db4a54e2a370627aff3db6176b94a2a209a62c8e36152711802f7b30c694"),
        Reference(.i, .v10, t: 2, m: 262_144, p: 1, tag: "3e689aaa3d28a77cf2bc72a51ac53166761751182f1ee292e3f677a7da4c2467"),
        Reference(.i, .v10, t: 2, m: 256, p: 1, tag: "fd4dd83d762c49bdeaf57c47bdcd0c2f1babf863fdeb490df63ede9975fccf06"),
        Reference(.i, .v10, t: 2, m: 256, p: 2, tag: "b6c11560a6a9d61eac706b79a2f97d68b4463aa3ad87e00c07e2b01e90c564fb"),
        Reference(.i, .v10, t: 1, m: 65536, p: 1, tag: "81630552b8f3b1f48cdb1992c4c678643d490b2b5eb4ff6c4b3438b5621724b2"),
        Reference(.i, .v10, t: 4, m: 65536, p: 1, tag: "f212f01615e6eb5d74734dc3ef40ade2d51d052468d8c69440a3a1f2c1c2847b"),
        Reference(.i, .v10, t: 2, m: 65536, p: 1, password: "differentpassword", salt: "somesalt",
                  tag: "e9c902074b6754531a3a0be519e5baf404b30ce69b3f01ac3bf21229960109a3"),
        Reference(.i, .v10, t: 2, m: 65536, p: 1, password: "password", salt: "diffsalt",
                  tag: "79a103b90fe8aef8570cb31fc8b22259778916f8336b7bdac3892569d4f1c497"),
        Reference(.i, .v13, t: 2, m: 65536, p: 1, tag: "c1628832147d9720c5bd1cfd61367078729f6dfb6f8fea9ff98158e0d7816ed0"),
        Reference(.i, .v13, t: 2, m: 262_144, p: 1, tag: "296dbae80b807cdceaad44ae741b506f14db0959267b183b118f9b24229bc7cb"),
        Reference(.i, .v13, t: 2, m: 256, p: 1, tag: "89e9029f4637b295beb027056a7336c414fadd43f6b208645281cb214a56452f"),
        Reference(.i, .v13, t: 2, m: 256, p: 2, tag: "4ff5ce2769a1d7f4c8a491df09d41a9fbe90e5eb02155a13e4c01e20cd4eab61"),
        Reference(.i, .v13, t: 1, m: 65536, p: 1, tag: "d168075c4d985e13ebeae560cf8b94c3b5d8a16c51916b6f4ac2da3ac11bbecf"),
        Reference(.i, .v13, t: 4, m: 65536, p: 1, tag: "aaa953d58af3706ce3df1aefd4a64a84e31d7f54175231f1285259f88174ce5b"),
        Reference(.i, .v13, t: 2, m: 65536, p: 1, password: "differentpassword", salt: "somesalt",
                  tag: "14ae8da01afea8700c2358dcef7c5358d9021282bd88663a4562f59fb74d22ee"),
        Reference(.i, .v13, t: 2, m: 65536, p: 1, password: "password", salt: "diffsalt",
                  tag: "b0357cccfbef91f3860b0dba447b2348cbefecadaf990abfe9cc40726c521271"),
        Reference(.id, .v13, t: 2, m: 65536, p: 1, tag: "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"),
        Reference(.id, .v13, t: 2, m: 262_144, p: 1, tag: "78fe1ec91fb3aa5657d72e710854e4c3d9b9198c742f9616c2f085bed95b2e8c"),
        Reference(.id, .v13, t: 2, m: 256, p: 1, tag: "9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe"),
        Reference(.id, .v13, t: 2, m: 256, p: 2, tag: "6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037"),
        Reference(.id, .v13, t: 1, m: 65536, p: 1, tag: "f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98"),
        Reference(.id, .v13, t: 4, m: 65536, p: 1, tag: "9025d48e68ef7395cca9079da4c4ec3affb3c8911fe4f86d1a2520856f63172c"),
        Reference(.id, .v13, t: 2, m: 65536, p: 1, password: "differentpassword", salt: "somesalt",
                  tag: "0b84d652cf6b0c4beaef0dfe278ba6a80df6696281d7e0d2891b817d8c458fde"),
        Reference(.id, .v13, t: 2, m: 65536, p: 1, password: "password", salt: "diffsalt",
                  tag: "bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c"),
    ]

    @Test(arguments: reference)
    func referenceImplementation(_ vector: Reference) throws {
        let tag = try Argon2.hash(
            variant: vector.variant, version: vector.version,
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8),
            memoryKiB: vector.memoryKiB, iterations: vector.iterations, lanes: vector.lanes, tagLength: 32)
        #expect(hex(tag) == vector.tag)
    }

    /// Tags longer than one BLAKE2b digest go through H''s chain; 4 bytes is the shortest allowed.
    @Test func tagLengthsAroundTheDigestSize() throws {
        var previous: [UInt8] = []
        for length in [4, 63, 64, 65, 96, 127, 128, 1024] {
            let tag = try Argon2.hash(variant: .id, password: Array("pw".utf8), salt: Array("saltsalt".utf8),
                                      memoryKiB: 64, iterations: 1, lanes: 1, tagLength: length)
            #expect(tag.count == length)
            #expect(tag != previous)
            previous = tag
        }
    }

    @Test func refusesParametersOutsideTheStandardsBounds() {
        let password = Array("pw".utf8), salt = Array("saltsalt".utf8)
        #expect(throws: Argon2Error.tagLength(3)) {
            try Argon2.hash(variant: .id, password: password, salt: salt, memoryKiB: 64, iterations: 1, lanes: 1, tagLength: 3)
        }
        #expect(throws: Argon2Error.saltLength(7)) {
            try Argon2.hash(variant: .id, password: password, salt: Array(salt.prefix(7)),
                            memoryKiB: 64, iterations: 1, lanes: 1, tagLength: 32)
        }
        #expect(throws: Argon2Error.memory(31, minimum: 32)) {
            try Argon2.hash(variant: .id, password: password, salt: salt, memoryKiB: 31, iterations: 1, lanes: 4, tagLength: 32)
        }
        #expect(throws: Argon2Error.iterations(0)) {
            try Argon2.hash(variant: .id, password: password, salt: salt, memoryKiB: 64, iterations: 0, lanes: 1, tagLength: 32)
        }
        #expect(throws: Argon2Error.lanes(0)) {
            try Argon2.hash(variant: .id, password: password, salt: salt, memoryKiB: 64, iterations: 1, lanes: 0, tagLength: 32)
        }
    }

    /// The thread's memory is reused, grown and shrunk between hashes; every hash still gives the
    /// answer it gives alone (a stale block would change the tag).
    @Test func reusedMemoryGivesTheSameAnswers() throws {
        func tag(_ memory: Int, _ lanes: Int) throws -> [UInt8] {
            try Argon2.hash(variant: .id, password: Array("reuse".utf8), salt: Array("saltsalt".utf8),
                            memoryKiB: memory, iterations: 2, lanes: lanes, tagLength: 32)
        }
        let sizes = [(256, 2), (4096, 1), (64, 1), (1000, 3), (256, 2)]
        let first = try sizes.map { try tag($0.0, $0.1) }
        let again = try sizes.reversed().map { try tag($0.0, $0.1) }.reversed()
        #expect(first == Array(again))
        #expect(first[0] == first[4])
    }
}
