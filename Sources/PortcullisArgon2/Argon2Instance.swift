/// The memory matrix of one Argon2 computation (RFC 9106 §3.2 steps 2–7): its shape, the order in
/// which blocks are filled, and how each block chooses the earlier block it is compressed with.
struct Argon2Instance {
    typealias Pair = Argon2Compression.Pair
    /// Slices per lane per pass; lanes synchronise at slice boundaries.
    static let syncPoints = 4
    /// Pseudo-random values one address block holds (Argon2i addressing).
    private static let addressesPerBlock = 128

    let variant: Argon2.Variant
    let version: Argon2.Version
    let iterations: Int
    let lanes: Int
    /// m' = 4p·⌊m / 4p⌋ blocks.
    let blockCount: Int
    let laneLength: Int
    let segmentLength: Int

    init(variant: Argon2.Variant, version: Argon2.Version, memoryKiB: Int, iterations: Int, lanes: Int) {
        self.variant = variant
        self.version = version
        self.iterations = iterations
        self.lanes = lanes
        segmentLength = memoryKiB / (Self.syncPoints * lanes)
        laneLength = segmentLength * Self.syncPoints
        blockCount = laneLength * lanes
    }

    /// Fills every block: the first two of each lane from the seed, then all passes.
    func fill(_ memory: UnsafeMutablePointer<Pair>, seed: inout Argon2Seed) {
        for lane in 0..<lanes {
            for index in 0..<2 {
                let block = memory + (lane * laneLength + index) * Argon2Compression.pairsPerBlock
                seed.firstBlock(index, lane: lane, into: UnsafeMutableRawBufferPointer(
                    start: block, count: Argon2Memory.blockByteCount))
                Self.wordsFromLittleEndian(block)
            }
        }
        let scratch = Scratch(memory + blockCount * Argon2Compression.pairsPerBlock)
        // The kept memory holds whatever the allocator gave it: the zero block must be written once.
        scratch.zero.update(repeating: Pair(), count: Argon2Compression.pairsPerBlock)
        for pass in 0..<iterations {
            for slice in 0..<Self.syncPoints {
                for lane in 0..<lanes {
                    fillSegment(memory, pass: pass, slice: slice, lane: lane, scratch: scratch)
                }
            }
        }
    }

    /// The tag: H' over the xor of every lane's last block.
    func finalize(_ memory: UnsafeMutablePointer<Pair>, into tag: UnsafeMutableRawBufferPointer) {
        let final = Scratch(memory + blockCount * Argon2Compression.pairsPerBlock).work
        let last = memory + (laneLength - 1) * Argon2Compression.pairsPerBlock
        final.update(from: last, count: Argon2Compression.pairsPerBlock)
        for lane in 1..<lanes {
            let block = last + lane * laneLength * Argon2Compression.pairsPerBlock
            for k in 0..<Argon2Compression.pairsPerBlock { final[k] ^= block[k] }
        }
        Self.wordsToLittleEndian(final)
        Argon2Seed.variableLengthHash(
            UnsafeRawBufferPointer(start: final, count: Argon2Memory.blockByteCount), into: tag)
    }

    /// The four scratch blocks after the matrix.
    private struct Scratch {
        let work: UnsafeMutablePointer<Pair>
        let zero: UnsafeMutablePointer<Pair>
        let addressInput: UnsafeMutablePointer<Pair>
        let addresses: UnsafeMutablePointer<Pair>

        init(_ base: UnsafeMutablePointer<Pair>) {
            work = base
            zero = base + Argon2Compression.pairsPerBlock
            addressInput = zero + Argon2Compression.pairsPerBlock
            addresses = addressInput + Argon2Compression.pairsPerBlock
        }
    }

    private func fillSegment(_ memory: UnsafeMutablePointer<Pair>, pass: Int, slice: Int, lane: Int, scratch: Scratch) {
        let pairs = Argon2Compression.pairsPerBlock
        let dataIndependent = variant == .i || (variant == .id && pass == 0 && slice < Self.syncPoints / 2)
        if dataIndependent {
            scratch.addressInput.update(repeating: Pair(), count: pairs)
            scratch.addressInput[0] = Pair(UInt64(pass), UInt64(lane))
            scratch.addressInput[1] = Pair(UInt64(slice), UInt64(blockCount))
            scratch.addressInput[2] = Pair(UInt64(iterations), UInt64(variant.rawValue))
        }
        // The first two blocks of each lane come from the seed.
        let firstIndex = pass == 0 && slice == 0 ? 2 : 0
        if dataIndependent && firstIndex != 0 { nextAddresses(scratch) }

        var current = lane * laneLength + slice * segmentLength + firstIndex
        // The block before the first of a lane is the lane's last one.
        var previous = current % laneLength == 0 ? current + laneLength - 1 : current - 1
        let xorIntoNext = version == .v13 && pass != 0
        for index in firstIndex..<segmentLength {
            let pseudoRandom: UInt64
            if dataIndependent {
                if index % Self.addressesPerBlock == 0 { nextAddresses(scratch) }
                let word = index % Self.addressesPerBlock
                pseudoRandom = scratch.addresses[word / 2][word % 2]
            } else {
                pseudoRandom = memory[previous * pairs][0]
            }
            // A 64-bit division costs as much as a tenth of a block's compression: skip it with one lane.
            let referenceLane = pass == 0 && slice == 0 || lanes == 1
                ? lane : Int(UInt32(truncatingIfNeeded: pseudoRandom >> 32) % UInt32(lanes))
            let referenceIndex = self.referenceIndex(
                pass: pass, slice: slice, index: index, sameLane: referenceLane == lane,
                pseudoRandom: UInt32(truncatingIfNeeded: pseudoRandom))
            Argon2Compression.compress(
                previous: memory + previous * pairs,
                reference: memory + (referenceLane * laneLength + referenceIndex) * pairs,
                next: memory + current * pairs, xorIntoNext: xorIntoNext, scratch: scratch.work)
            previous = current
            current += 1
        }
    }

    /// The next 128 pseudo-random values for data-independent addressing: G(0, G(0, input)) with
    /// the input's counter advanced.
    private func nextAddresses(_ scratch: Scratch) {
        scratch.addressInput[3][0] &+= 1
        Argon2Compression.compress(
            previous: scratch.zero, reference: scratch.addressInput, next: scratch.addresses,
            xorIntoNext: false, scratch: scratch.work)
        Argon2Compression.compress(
            previous: scratch.zero, reference: scratch.addresses, next: scratch.addresses,
            xorIntoNext: false, scratch: scratch.work)
    }

    /// The position in the reference lane of the block that block `index` of this segment is
    /// compressed with (RFC 9106 §3.4.2): a non-uniform choice among the blocks already finished
    /// that are not in another lane's current segment, biased towards recent ones.
    private func referenceIndex(pass: Int, slice: Int, index: Int, sameLane: Bool, pseudoRandom: UInt32) -> Int {
        let finishedSegments = pass == 0 ? slice * segmentLength : laneLength - segmentLength
        // In its own lane a block may also use the blocks before it in this segment, but never the
        // one it follows (already its first input); in another lane, a first block may not use
        // that lane's last finished block, which is the one this lane's previous block follows.
        let areaSize = sameLane
            ? finishedSegments + index - 1
            : finishedSegments + (index == 0 ? -1 : 0)
        let x = (UInt64(pseudoRandom) &* UInt64(pseudoRandom)) >> 32
        let y = (UInt64(areaSize) &* x) >> 32
        let relative = areaSize - 1 - Int(y)
        let start = pass == 0 || slice == Self.syncPoints - 1 ? 0 : (slice + 1) * segmentLength
        // start + relative < 2 × laneLength: a subtraction instead of a division.
        let position = start + relative
        return position >= laneLength ? position - laneLength : position
    }

    /// Blocks are defined as little-endian words: a no-op on little-endian machines.
    private static func wordsFromLittleEndian(_ block: UnsafeMutablePointer<Pair>) {
        for k in 0..<Argon2Compression.pairsPerBlock {
            block[k] = Pair(UInt64(littleEndian: block[k][0]), UInt64(littleEndian: block[k][1]))
        }
    }

    private static func wordsToLittleEndian(_ block: UnsafeMutablePointer<Pair>) {
        for k in 0..<Argon2Compression.pairsPerBlock {
            block[k] = Pair(block[k][0].littleEndian, block[k][1].littleEndian)
        }
    }
}
