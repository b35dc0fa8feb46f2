/// A host condition from configuration: an exact host (`app.acme.test`) or a wildcard for exactly
/// one leading label (`*.acme.test` matches `app.acme.test`, not `acme.test` nor `a.b.acme.test`,
/// as in TLS certificates). Access rules and the login's return-URL check use the same type, so a
/// host that a rule protects is exactly a host the login may return to.
public enum HostPattern: Sendable, Hashable, CustomStringConvertible {
    case exact(String)
    /// The part after `*`, with its leading dot: `.acme.test`.
    case wildcard(suffix: String)

    /// Parses `text`, lowercased; a configuration validator has already checked its shape.
    public init(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("*.") {
            self = .wildcard(suffix: String(lowered.dropFirst()))
        } else {
            self = .exact(lowered)
        }
    }

    /// Whether `host` (lowercase, without a port) matches. Called for every forward-auth request,
    /// so it compares bytes without building anything.
    public func matches(_ host: String) -> Bool {
        switch self {
        case .exact(let name):
            return host == name
        case .wildcard(let suffix):
            let hostCount = host.utf8.count, suffixCount = suffix.utf8.count
            guard hostCount > suffixCount, host.utf8.reversed().starts(with: suffix.utf8.reversed()) else { return false }
            // The label the `*` stands for must be a single, non-empty label.
            return !host.utf8.prefix(hostCount - suffixCount).contains(UInt8(ascii: "."))
        }
    }

    public var description: String {
        switch self {
        case .exact(let name): name
        case .wildcard(let suffix): "*" + suffix
        }
    }
}
