/// State shared while reading one file: where issues go, and whether we are reading values or only
/// describing the shape (to produce the JSON Schema and the reference documentation from the same
/// code that reads the files, so the three can never disagree).
public final class ReadContext {
    public enum Mode: Sendable { case read, describe }

    public let file: String
    public let mode: Mode
    public private(set) var issues: [ConfigIssue] = []
    /// Object schemas met while describing, by definition name.
    public internal(set) var definitions: [String: JSONValue] = [:]

    public init(file: String, mode: Mode = .read) {
        self.file = file
        self.mode = mode
    }

    public func location(_ position: ConfigNode.Position, _ path: String) -> SourceLocation {
        SourceLocation(file: file, line: position.line, column: position.column, path: path)
    }

    public func report(_ position: ConfigNode.Position, _ path: String, _ message: String) {
        guard mode == .read else { return }
        issues.append(ConfigIssue(at: location(position, path), message))
    }

    public func report(_ location: SourceLocation, _ message: String) {
        guard mode == .read else { return }
        issues.append(ConfigIssue(at: location, message))
    }
}

/// Joins a key onto a path: `clients[2]` + `name` → `clients[2].name`.
public func joinPath(_ base: String, _ key: String) -> String {
    base.isEmpty ? key : "\(base).\(key)"
}
