/// H0 (RFC 9106 §3.2 step 1), followed by room for the block index and lane that turn it into the
/// input of each lane's first two blocks.
struct Argon2Seed {
    /// H0 (64 bytes) ‖ LE32(block index) ‖ LE32(lane).
    private(set) var bytes = [UInt8](repeating: 0, count: BLAKE2b.maximumDigestLength + 8)

    static func initialHash(
        instance: Argon2Instance, tagLength: Int, memoryKiB: Int,
        password: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer,
        secret: UnsafeRawBufferPointer, associatedData: UnsafeRawBufferPointer
    ) -> Argon2Seed {
        var hash = BLAKE2b(digestLength: BLAKE2b.maximumDigestLength)
        for value in [instance.lanes, tagLength, memoryKiB, instance.iterations,
                      Int(instance.version.rawValue), Int(instance.variant.rawValue)] {
            hash.update(littleEndian: UInt32(truncatingIfNeeded: value))
        }
        for input in [password, salt, secret, associatedData] {
            hash.update(littleEndian: UInt32(truncatingIfNeeded: input.count))
            hash.update(input)
        }
        var seed = Argon2Seed()
        seed.bytes.withUnsafeMutableBytes { hash.finalize(into: $0) }
        return seed
    }

    /// H'^(1024)(H0 ‖ LE32(index) ‖ LE32(lane)): block `index` (0 or 1) of `lane`, as bytes.
    mutating func firstBlock(_ index: Int, lane: Int, into block: UnsafeMutableRawBufferPointer) {
        let h0 = BLAKE2b.maximumDigestLength
        withUnsafeBytes(of: UInt32(index).littleEndian) { bytes.replaceSubrange(h0..<h0 + 4, with: $0) }
        withUnsafeBytes(of: UInt32(lane).littleEndian) { bytes.replaceSubrange(h0 + 4..<h0 + 8, with: $0) }
        bytes.withUnsafeBytes { Self.variableLengthHash($0, into: block) }
    }

    mutating func wipe() {
        bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    /// H' (RFC 9106 §3.3): BLAKE2b stretched to any length by chaining 64-byte digests and keeping
    /// the first half of each.
    static func variableLengthHash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        let length = output.count
        let maximum = BLAKE2b.maximumDigestLength
        if length <= maximum {
            var hash = BLAKE2b(digestLength: length)
            hash.update(littleEndian: UInt32(length))
            hash.update(input)
            hash.finalize(into: output)
            return
        }
        var digest = SIMD8<UInt64>()  // one 64-byte digest V_i
        withUnsafeMutableBytes(of: &digest) { v in
            var hash = BLAKE2b(digestLength: maximum)
            hash.update(littleEndian: UInt32(length))
            hash.update(input)
            hash.finalize(into: v)
            var written = 0
            var remaining = length
            while remaining > maximum {
                output.baseAddress!.advanced(by: written).copyMemory(from: v.baseAddress!, byteCount: maximum / 2)
                written += maximum / 2
                remaining -= maximum / 2
                var next = BLAKE2b(digestLength: remaining > maximum ? maximum : remaining)
                next.update(UnsafeRawBufferPointer(v))
                next.finalize(into: v)
            }
            output.baseAddress!.advanced(by: written).copyMemory(from: v.baseAddress!, byteCount: remaining)
            v.initializeMemory(as: UInt8.self, repeating: 0)
        }
    }
}
