/// A parsed YAML document reduced to what configuration needs: scalars with their resolved kind,
/// mappings in source order and sequences, each with its position. Keeping this type free of any
/// YAML library lets the models and their reading rules live in Core.
public indirect enum ConfigNode: Sendable {
    case scalar(String, ScalarKind, Position)
    case mapping([(key: ConfigNode, value: ConfigNode)], Position)
    case sequence([ConfigNode], Position)

    public struct Position: Sendable, Hashable {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// The YAML 1.2 core-schema type of a scalar; quoted scalars are always strings.
    public enum ScalarKind: Sendable, Hashable {
        case string, int, float, bool, null
    }

    public var position: Position {
        switch self {
        case .scalar(_, _, let p), .mapping(_, let p), .sequence(_, let p): return p
        }
    }

    /// What the node is, in words for error messages.
    public var kindDescription: String {
        switch self {
        case .scalar(_, .null, _): return "null"
        case .scalar(_, .string, _): return "a string"
        case .scalar(_, .int, _): return "an integer"
        case .scalar(_, .float, _): return "a number"
        case .scalar(_, .bool, _): return "a boolean"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    public var isNull: Bool {
        if case .scalar(_, .null, _) = self { return true }
        return false
    }
}
