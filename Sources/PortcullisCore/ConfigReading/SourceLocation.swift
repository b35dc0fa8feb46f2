/// Where a value came from: a file, a 1-based line and column, and the path of keys leading to it
/// (`clients[2].redirect_uris[0]`). Every configuration problem is reported against one of these so
/// an operator can jump straight to the line.
public struct SourceLocation: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var column: Int
    public var path: String

    public init(file: String, line: Int, column: Int, path: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
    }
}

/// One problem found while loading configuration.
public struct ConfigIssue: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public init(at location: SourceLocation, _ message: String) {
        self.init(file: location.file, line: location.line, column: location.column,
                  path: location.path, message: message)
    }

    /// `FILE:LINE:COLUMN PATH: message`, the format editors and CI logs understand.
    public var description: String {
        let position = "\(file):\(line):\(column)"
        return path.isEmpty ? "\(position) \(message)" : "\(position) \(path): \(message)"
    }

    public static func < (lhs: ConfigIssue, rhs: ConfigIssue) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.path, lhs.message)
            < (rhs.file, rhs.line, rhs.column, rhs.path, rhs.message)
    }
}
