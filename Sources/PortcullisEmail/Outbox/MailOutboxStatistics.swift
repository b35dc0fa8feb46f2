/// Counters of an outbox since it was created: for metrics, health checks and tests.
public struct MailOutboxStatistics: Sendable, Equatable {
    /// Messages `send` accepted.
    public var accepted = 0
    /// Messages the transport delivered.
    public var delivered = 0
    /// Messages given up after a permanent failure or the last attempt.
    public var failed = 0
    /// Messages dropped unsent because `drain` ran out of time.
    public var abandoned = 0

    /// Messages queued or being delivered right now.
    public var pending: Int { accepted - delivered - failed - abandoned }

    public init() {}
}
