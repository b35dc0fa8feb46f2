/// BLAKE2b (RFC 7693), unkeyed, with any digest length from 1 to 64 bytes: the hash Argon2 builds on
/// (RFC 9106 §3.2 uses it for H0, H' and the tag). Written here because no package in use provides
/// BLAKE2b (swift-crypto has only SHA-2/SHA-3). Argon2 calls it a few dozen times per password hash,
/// so it is plain, not vectorised; the memory-hard part is `Argon2Compression`.
struct BLAKE2b {
    static let maximumDigestLength = 64
    private static let blockLength = 128
    private static let initializationVector: SIMD8<UInt64> = [
        0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B, 0x3C6E_F372_FE94_F82B, 0xA54F_F53A_5F1D_36F1,
        0x510E_527F_ADE6_82D1, 0x9B05_688C_2B3E_6C1F, 0x1F83_D9AB_FB41_BD6B, 0x5BE0_CD19_137E_2179,
    ]
    /// The message word schedule of each of the twelve rounds (rounds 10 and 11 repeat 0 and 1).
    private static let schedule: [SIMD16<UInt8>] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]

    let digestLength: Int
    private var state: SIMD8<UInt64>
    /// The block being filled. The last block must be compressed with the final flag, so a full
    /// buffer is compressed only when more input arrives.
    private var buffer = SIMD16<UInt64>()
    private var buffered = 0
    /// Bytes compressed so far (RFC 7693's 128-bit counter t; the high word never moves for Argon2's
    /// inputs, but it is kept exact).
    private var countLow: UInt64 = 0
    private var countHigh: UInt64 = 0

    init(digestLength: Int) {
        precondition((1...Self.maximumDigestLength).contains(digestLength), "BLAKE2b digest length out of range")
        self.digestLength = digestLength
        state = Self.initializationVector
        // Parameter block: digest length, no key, fanout 1, depth 1.
        state[0] ^= 0x0101_0000 ^ UInt64(digestLength)
    }

    mutating func update(_ data: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < data.count {
            if buffered == Self.blockLength {
                advanceCounter(by: Self.blockLength)
                compress(isLast: false)
                buffered = 0
            }
            let take = min(Self.blockLength - buffered, data.count - offset)
            withUnsafeMutableBytes(of: &buffer) { block in
                block.baseAddress!.advanced(by: buffered).copyMemory(from: data.baseAddress!.advanced(by: offset), byteCount: take)
            }
            buffered += take
            offset += take
        }
    }

    mutating func update(littleEndian value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    /// Writes the digest into the first `digestLength` bytes of `output` and wipes the state.
    mutating func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= digestLength)
        advanceCounter(by: buffered)
        withUnsafeMutableBytes(of: &buffer) { block in
            _ = block.baseAddress!.advanced(by: buffered)
                .initializeMemory(as: UInt8.self, repeating: 0, count: Self.blockLength - buffered)
        }
        compress(isLast: true)
        var digest = SIMD8<UInt64>()
        for index in 0..<8 { digest[index] = state[index].littleEndian }
        withUnsafeBytes(of: &digest) { bytes in
            output.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: digestLength)
        }
        digest = SIMD8()
        wipe()
    }

    /// Zeroes everything derived from the input (the compression state and the buffered block).
    mutating func wipe() {
        state = SIMD8()
        buffer = SIMD16()
        buffered = 0
    }

    private mutating func advanceCounter(by count: Int) {
        let (sum, overflow) = countLow.addingReportingOverflow(UInt64(count))
        countLow = sum
        if overflow { countHigh &+= 1 }
    }

    private mutating func compress(isLast: Bool) {
        var message = SIMD16<UInt64>()
        for index in 0..<16 { message[index] = UInt64(littleEndian: buffer[index]) }
        var v = SIMD16<UInt64>(lowHalf: state, highHalf: Self.initializationVector)
        v[12] ^= countLow
        v[13] ^= countHigh
        if isLast { v[14] = ~v[14] }
        for round in 0..<12 {
            let s = Self.schedule[round % 10]
            Self.mix(&v, 0, 4, 8, 12, message[Int(s[0])], message[Int(s[1])])
            Self.mix(&v, 1, 5, 9, 13, message[Int(s[2])], message[Int(s[3])])
            Self.mix(&v, 2, 6, 10, 14, message[Int(s[4])], message[Int(s[5])])
            Self.mix(&v, 3, 7, 11, 15, message[Int(s[6])], message[Int(s[7])])
            Self.mix(&v, 0, 5, 10, 15, message[Int(s[8])], message[Int(s[9])])
            Self.mix(&v, 1, 6, 11, 12, message[Int(s[10])], message[Int(s[11])])
            Self.mix(&v, 2, 7, 8, 13, message[Int(s[12])], message[Int(s[13])])
            Self.mix(&v, 3, 4, 9, 14, message[Int(s[14])], message[Int(s[15])])
        }
        state ^= v.lowHalf ^ v.highHalf
        message = SIMD16()
        v = SIMD16()
    }

    /// RFC 7693's G.
    @inline(__always)
    private static func mix(_ v: inout SIMD16<UInt64>, _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
        v[a] = v[a] &+ v[b] &+ x
        v[d] = (v[d] ^ v[a]).rotatedRight(by: 32)
        v[c] = v[c] &+ v[d]
        v[b] = (v[b] ^ v[c]).rotatedRight(by: 24)
        v[a] = v[a] &+ v[b] &+ y
        v[d] = (v[d] ^ v[a]).rotatedRight(by: 16)
        v[c] = v[c] &+ v[d]
        v[b] = (v[b] ^ v[c]).rotatedRight(by: 63)
    }
}

extension UInt64 {
    @inline(__always)
    func rotatedRight(by count: UInt64) -> UInt64 {
        (self &>> count) | (self &<< (64 &- count))
    }
}
