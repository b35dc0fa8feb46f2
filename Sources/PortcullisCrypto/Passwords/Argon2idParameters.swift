/// Cost parameters of argon2id (RFC 9106). They travel inside every PHC string we write, so a stored
/// hash always says how it was made and can be re-hashed when the configured cost changes.
public struct Argon2idParameters: Sendable, Hashable {
    /// Memory per hash in KiB (`m`). Memory is what makes argon2id expensive on GPUs and ASICs.
    public var memoryKiB: Int
    /// Passes over the memory (`t`).
    public var iterations: Int
    /// Lanes computed in parallel (`p`). One lane keeps a hash on one thread, so the hashing pool's
    /// worker count alone decides how many cores password hashing may occupy.
    public var parallelism: Int

    public init(memoryKiB: Int, iterations: Int, parallelism: Int) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// OWASP's recommended argon2id configuration (19 MiB, 2 passes, 1 lane): tens of milliseconds
    /// per hash on a server core, so brute force is slow while logins stay quick.
    public static let `default` = Argon2idParameters(memoryKiB: 19_456, iterations: 2, parallelism: 1)

    /// Bounds on what we agree to compute. The upper bounds stop one corrupted or hostile imported
    /// hash (say `m=4194304`) from allocating gigabytes or holding a worker for minutes.
    static let memoryKiBRange = 8...1_048_576
    static let iterationsRange = 1...64
    static let parallelismRange = 1...64

    /// Why these parameters cannot be used, or `nil` when they can. Configuration validation reports
    /// this next to the offending field; hashing refuses such parameters with `.invalidParameters`.
    public var problem: String? {
        if !Self.parallelismRange.contains(parallelism) {
            return "parallelism must be between \(Self.parallelismRange.lowerBound) and \(Self.parallelismRange.upperBound)"
        }
        if !Self.iterationsRange.contains(iterations) {
            return "iterations must be between \(Self.iterationsRange.lowerBound) and \(Self.iterationsRange.upperBound)"
        }
        if !Self.memoryKiBRange.contains(memoryKiB) {
            return "memory_kib must be between \(Self.memoryKiBRange.lowerBound) and \(Self.memoryKiBRange.upperBound)"
        }
        // libargon2 needs at least 8 KiB of memory per lane.
        if memoryKiB < 8 * parallelism {
            return "memory_kib must be at least 8 × parallelism (\(8 * parallelism))"
        }
        return nil
    }
}
