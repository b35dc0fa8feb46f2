import Foundation

/// When to try a failed delivery again: exponential (1 s, 2 s, 4 s, … up to 15 minutes) with
/// "equal jitter" — half the delay fixed, half random — so receivers coming back from an outage
/// are not hit by every queued delivery at the same instant, yet each retry keeps a minimum gap.
public struct WebhookBackoff: Sendable {
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(base: TimeInterval = 1, cap: TimeInterval = 900) {
        self.base = base
        self.cap = cap
    }

    /// The delay after the `attempt`-th failed attempt (1-based).
    public func delay(after attempt: Int) -> TimeInterval {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(cap, base * pow(2, Double(exponent)))
        return full / 2 + Double.random(in: 0...(full / 2))
    }
}
