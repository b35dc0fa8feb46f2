/// Argon2 (RFC 9106): the memory-hard password hash, all three variants and both versions.
///
/// Our own implementation (no package in use provides Argon2, and linking the reference C library
/// would need a system package). It computes exactly the reference implementation's tags; the
/// tests hold it to RFC 9106's vectors, the reference's published ones and a cross-check against
/// argon2-cffi. Lanes are filled one after another on the calling thread: `lanes` > 1 changes the
/// result as the standard says, not the number of cores used, so the caller's worker pool alone
/// decides how many cores hashing occupies. The call blocks for the whole hash.
public enum Argon2 {
    public enum Variant: UInt32, Sendable, CaseIterable {
        /// Data-dependent addressing: fastest, for uses without side-channel exposure.
        case d = 0
        /// Data-independent addressing.
        case i = 1
        /// The first half pass data-independent, then data-dependent: RFC 9106's recommendation.
        case id = 2
    }

    public enum Version: UInt32, Sendable, CaseIterable {
        /// The original version: later passes overwrite blocks.
        case v10 = 0x10
        /// The current version: later passes xor into blocks.
        case v13 = 0x13
    }

    /// Bounds from RFC 9106 §3.1 (and the reference implementation's minimums for tag and salt).
    public static let minimumTagLength = 4
    public static let minimumSaltLength = 8
    public static let lanesRange = 1...0xFF_FFFF

    /// Computes the tag of `password` into `tag` (its whole length, at least 4 bytes).
    /// - Parameters:
    ///   - memoryKiB: m, at least 8 × `lanes`.
    ///   - iterations: t, at least 1.
    ///   - secret: K, the optional key (pepper). `associatedData`: X, optional.
    public static func hash(
        variant: Variant, version: Version = .v13,
        password: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer,
        secret: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        associatedData: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        memoryKiB: Int, iterations: Int, lanes: Int,
        into tag: UnsafeMutableRawBufferPointer
    ) throws(Argon2Error) {
        let maximumLength = Int(UInt32.max)
        guard tag.count >= minimumTagLength, tag.count <= maximumLength else {
            throw .tagLength(tag.count)
        }
        guard salt.count >= minimumSaltLength, salt.count <= maximumLength else {
            throw .saltLength(salt.count)
        }
        guard password.count <= maximumLength, secret.count <= maximumLength, associatedData.count <= maximumLength else {
            throw .inputTooLong
        }
        guard lanesRange.contains(lanes) else { throw .lanes(lanes) }
        guard iterations >= 1, iterations <= maximumLength else { throw .iterations(iterations) }
        guard memoryKiB >= 8 * lanes, memoryKiB <= maximumLength else {
            throw .memory(memoryKiB, minimum: 8 * lanes)
        }

        let instance = Argon2Instance(
            variant: variant, version: version, memoryKiB: memoryKiB, iterations: iterations, lanes: lanes)
        let memory = Argon2Memory.current
        guard let blocks = memory.blocks(instance.blockCount) else {
            throw .outOfMemory(bytes: instance.blockCount * Argon2Memory.blockByteCount)
        }
        defer { memory.wipe(instance.blockCount) }

        var seed = Argon2Seed.initialHash(
            instance: instance, tagLength: tag.count, memoryKiB: memoryKiB,
            password: password, salt: salt, secret: secret, associatedData: associatedData)
        defer { seed.wipe() }
        instance.fill(blocks, seed: &seed)
        instance.finalize(blocks, into: tag)
    }

    /// The tag of `password` as bytes; a convenience over `hash(…into:)`.
    public static func hash(
        variant: Variant, version: Version = .v13,
        password: [UInt8], salt: [UInt8], secret: [UInt8] = [], associatedData: [UInt8] = [],
        memoryKiB: Int, iterations: Int, lanes: Int, tagLength: Int
    ) throws(Argon2Error) -> [UInt8] {
        guard tagLength >= minimumTagLength, tagLength <= Int(UInt32.max) else { throw .tagLength(tagLength) }
        var tag = [UInt8](repeating: 0, count: tagLength)
        // The closures of `withUnsafeBytes` rethrow untyped errors, so the result travels out as a value.
        let result: Result<Void, Argon2Error> = password.withUnsafeBytes { password in
            salt.withUnsafeBytes { salt in
                secret.withUnsafeBytes { secret in
                    associatedData.withUnsafeBytes { associatedData in
                        tag.withUnsafeMutableBytes { tag in
                            Result { () throws(Argon2Error) in
                                try hash(variant: variant, version: version, password: password, salt: salt,
                                         secret: secret, associatedData: associatedData,
                                         memoryKiB: memoryKiB, iterations: iterations, lanes: lanes, into: tag)
                            }
                        }
                    }
                }
            }
        }
        try result.get()
        return tag
    }
}
