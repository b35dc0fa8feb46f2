import Synchronization

/// Holds the current snapshot. Reading is a lock-protected pointer copy, so requests never wait on a
/// reload: a reload builds the new snapshot completely first and only then swaps it in.
public final class ConfigStore: Sendable {
    private let current: Mutex<ConfigSnapshot>

    public init(_ snapshot: ConfigSnapshot) {
        current = Mutex(snapshot)
    }

    /// The snapshot to use for the whole of one request.
    public var snapshot: ConfigSnapshot { current.withLock { $0 } }

    /// Installs a new snapshot and returns the one it replaced.
    @discardableResult
    public func replace(with snapshot: ConfigSnapshot) -> ConfigSnapshot {
        current.withLock { old in
            let previous = old
            old = snapshot
            return previous
        }
    }
}
