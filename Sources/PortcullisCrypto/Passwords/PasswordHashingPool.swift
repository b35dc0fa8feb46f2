import Foundation

/// The async front door to password hashing: every hash and verification runs on a small set of
/// dedicated threads (see `BoundedWorkerThreads`), and a burst beyond `workers + queueCapacity`
/// fails fast with `PasswordHashingError.overloaded`, which the HTTP layer answers with 503 and
/// `Retry-After`.
///
/// One pool serves the whole process. The parameters may be passed per call, so a configuration
/// reload that changes them takes effect without rebuilding the pool.
public final class PasswordHashingPool: Sendable {
    /// The parameters used by the calls that do not name their own.
    public let parameters: Argon2idParameters
    public var workers: Int { threads.workers }
    public var queueCapacity: Int { threads.queueCapacity }
    /// Hashes or verifications running right now (at most `workers`).
    public var inFlight: Int { threads.running }
    /// Accepted calls waiting for a free worker.
    public var queued: Int { threads.waiting }

    private let threads: BoundedWorkerThreads
    private let observer: (@Sendable (Duration) -> Void)?

    /// - Parameters:
    ///   - workers: threads that hash; the default, one per core, lets hashing use every core
    ///     under a burst while the event loops still get scheduled by the OS.
    ///   - queueCapacity: calls allowed to wait for a worker before further calls are refused.
    ///   - observer: told how long each hash or verification took on its thread (for metrics:
    ///     the hash inside a busy server costs more than the same hash measured alone).
    public init(
        parameters: Argon2idParameters = .default,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        queueCapacity: Int = 64,
        observer: (@Sendable (Duration) -> Void)? = nil
    ) {
        self.parameters = parameters
        self.observer = observer
        threads = BoundedWorkerThreads(workers: workers, queueCapacity: queueCapacity, name: "pwhash")
    }

    public func hash(_ password: String) async throws -> String {
        try await hash(password, parameters: parameters)
    }

    public func hash(_ password: String, parameters: Argon2idParameters) async throws -> String {
        let hasher = PasswordHasher(parameters: parameters)
        return try await run { try hasher.hash(password: password) }
    }

    public func verify(_ password: String, against encoded: String) async throws -> PasswordVerification {
        try await verify(password, against: encoded, parameters: parameters)
    }

    /// `parameters` are the current ones: a valid password whose stored hash differs from them
    /// comes back with `needsRehash: true`.
    public func verify(
        _ password: String, against encoded: String, parameters: Argon2idParameters
    ) async throws -> PasswordVerification {
        let hasher = PasswordHasher(parameters: parameters)
        return try await run { hasher.verify(password: password, against: encoded) }
    }

    /// Costs what a real verification costs; call it when the user does not exist.
    public func verifyDummy(_ password: String) async throws {
        try await verifyDummy(password, parameters: parameters)
    }

    public func verifyDummy(_ password: String, parameters: Argon2idParameters) async throws {
        let hasher = PasswordHasher(parameters: parameters)
        try await run { hasher.verifyDummy(password: password) }
    }

    /// Runs `work` on a hashing thread and resumes the caller with its result. Also the hook tests
    /// use to occupy workers deterministically.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let observer = self.observer
            let accepted = threads.submit {
                let started = ContinuousClock.now
                let result = Result(catching: work)
                observer?(ContinuousClock.now - started)
                continuation.resume(with: result)
            }
            if !accepted { continuation.resume(throwing: PasswordHashingError.overloaded) }
        }
    }
}
