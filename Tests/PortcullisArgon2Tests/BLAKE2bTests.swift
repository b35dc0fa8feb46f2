@testable import PortcullisArgon2
import Testing

/// BLAKE2b against RFC 7693 Appendix A and digests computed by CPython's hashlib (an independent
/// implementation) for inputs `i % 251` of lengths around the 128-byte block boundary.
@Suite("BLAKE2b")
struct BLAKE2bTests {
    static func digest(_ input: [UInt8], length: Int, splitAt split: Int? = nil) -> [UInt8] {
        var hash = BLAKE2b(digestLength: length)
        input.withUnsafeBytes { all in
            if let split {
                hash.update(UnsafeRawBufferPointer(rebasing: all[..<split]))
                hash.update(UnsafeRawBufferPointer(rebasing: all[split...]))
            } else {
                hash.update(all)
            }
        }
        var output = [UInt8](repeating: 0, count: length)
        output.withUnsafeMutableBytes { hash.finalize(into: $0) }
        return output
    }

    @Test func rfc7693AppendixA() {
        #expect(hex(Self.digest(Array("abc".utf8), length: 64)) ==
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    }

    static let vectors: [(length: Int, digestLength: Int, digest: String)] = [
        (0, 1, "2e"),
        (0, 32, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"),
        (0, 48, "b32811423377f52d7862286ee1a72ee540524380fda1724a6f25d7978c6fd3244a6caf0498812673c5e05ef583825100"),
        (0, 64, "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
            + "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"),
        (3, 1, "a6"),
        (3, 64, "40a374727302d9a4769c17b5f409ff32f58aa24ff122d7603e4fda1509e919d4"
            + "107a52c57570a6d94e50967aea573b11f86f473f537565c66f7039830a85d186"),
        (127, 32, "f2fe67ff342e21b8f45e8f2e0bcd1d9243245d50ee6c78042e9c491388791c72"),
        (128, 32, "c3582f71ebb2be66fa5dd750f80baae97554f3b015663c8be377cfcb2488c1d1"),
        (128, 64, "2319e3789c47e2daa5fe807f61bec2a1a6537fa03f19ff32e87eecbfd64b7e0e"
            + "8ccff439ac333b040f19b0c4ddd11a61e24ac1fe0f10a039806c5dcc0da3d115"),
        (129, 1, "c7"),
        (129, 48, "a95db6e5ccd191793ad20179bfd63e8c7aedf0cc1084549f73127e3fccc738b405ac2a93d692e76214320089121073e5"),
        (129, 64, "f59711d44a031d5f97a9413c065d1e614c417ede998590325f49bad2fd444d3e"
            + "4418be19aec4e11449ac1a57207898bc57d76a1bcf3566292c20c683a5c4648f"),
        (255, 32, "d9ef0fc521b4266d16df662bec231bc2ec3989e7adeaf63169c295dc239dbbea"),
        (256, 64, "93463ac058b6163eb43be3f5bb32b28541498f4e3366f1effe253ad44e1e076e"
            + "41c3616046027c82a7124f8f4746668ad10b12e8e25a95ac8f3151df01cd5a93"),
        (1000, 32, "b372d0608f720c8c3dd41e9c8eecb10143b41abe520b616607e754bf79c08331"),
        (1000, 64, "c11e1c0340bd7e5a1b275f1230c962fad215ecb1391486e74e31b960a2f29963"
            + "81a5fad092da06841d5f26e38f6ecfeaf441acbcd1c2de61aef121e7927175f5"),
    ]

    @Test(arguments: vectors)
    func matchesIndependentDigests(_ vector: (length: Int, digestLength: Int, digest: String)) {
        let input = (0..<vector.length).map { UInt8($0 % 251) }
        #expect(hex(Self.digest(input, length: vector.digestLength)) == vector.digest)
        // Fed in two pieces, at and around the block boundary, the digest is the same.
        for split in Set([0, vector.length / 2, min(128, vector.length), vector.length]) {
            #expect(hex(Self.digest(input, length: vector.digestLength, splitAt: split)) == vector.digest)
        }
    }
}
