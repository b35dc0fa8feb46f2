/// When to try a failed delivery again: exponential backoff with jitter.
public struct MailRetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    /// Delay after the first failure; doubles after each further failure.
    public var initialDelay: Duration
    /// Upper bound of a single delay.
    public var maxDelay: Duration

    /// Defaults: 5 attempts over roughly half a minute (2 s, 4 s, 8 s, 16 s before jitter): long enough
    /// to ride out a greylisting or a relay restart, short enough that a verification email is not
    /// older than the user's patience.
    public init(maxAttempts: Int = 5, initialDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(300)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The pause after failed attempt number `attempt` (1-based): the exponential step, capped, then
    /// scaled by a random factor in [0.5, 1] so that many messages failing together (a relay outage)
    /// do not all retry in the same instant.
    public func delay<Generator: RandomNumberGenerator>(
        afterAttempt attempt: Int, using generator: inout Generator
    ) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let step = min(initialDelay * (1 << exponent), maxDelay)
        return step * Double.random(in: 0.5...1, using: &generator)
    }

    public func delay(afterAttempt attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &generator)
    }
}
