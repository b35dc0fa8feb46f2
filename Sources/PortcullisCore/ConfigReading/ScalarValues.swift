import Foundation

// Leaf value types of the configuration format. Types are strict: a number where a string is
// expected is an error rather than a silent conversion, so `client_id: 0123` cannot lose its zero.

extension String: ConfigValue, ConfigDefault {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> String? {
        guard case .scalar(let text, let kind, _) = node else {
            context.report(node.position, path, "must be a string, found \(node.kindDescription)")
            return nil
        }
        guard kind == .string else {
            context.report(node.position, path, "must be a string, found \(node.kindDescription) (quote it: \"\(text)\")")
            return nil
        }
        return text
    }
    public static func schema(in context: ReadContext) -> JSONValue { ["type": "string"] }
    public var defaultJSON: JSONValue { .string(self) }
}

extension Int: ConfigValue, ConfigDefault {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Int? {
        guard case .scalar(let text, .int, _) = node, let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            context.report(node.position, path, "must be an integer, found \(node.kindDescription)")
            return nil
        }
        return value
    }
    public static func schema(in context: ReadContext) -> JSONValue { ["type": "integer"] }
    public var defaultJSON: JSONValue { .int(self) }
}

extension Bool: ConfigValue, ConfigDefault {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Bool? {
        guard case .scalar(let text, .bool, _) = node else {
            context.report(node.position, path, "must be true or false, found \(node.kindDescription)")
            return nil
        }
        return text.lowercased() == "true"
    }
    public static func schema(in context: ReadContext) -> JSONValue { ["type": "boolean"] }
    public var defaultJSON: JSONValue { .bool(self) }
}

extension Array: ConfigValue where Element: ConfigValue {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> [Element]? {
        guard case .sequence(let items, _) = node else {
            context.report(node.position, path, "must be a list, found \(node.kindDescription)")
            return nil
        }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let value = Element.read(item, path: "\(path)[\(index)]", in: context) { result.append(value) }
        }
        return result
    }
    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "array", "items": Element.schema(in: context)]
    }
}

extension Array: ConfigDefault where Element: ConfigDefault {
    public var defaultJSON: JSONValue { .array(map(\.defaultJSON)) }
}

extension Dictionary: ConfigValue where Key == String, Value: ConfigValue {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> [String: Value]? {
        guard case .mapping(let pairs, _) = node else {
            context.report(node.position, path, "must be a mapping, found \(node.kindDescription)")
            return nil
        }
        var result: [String: Value] = [:]
        for (key, valueNode) in pairs {
            guard case .scalar(let name, let kind, _) = key, kind != .null else {
                context.report(key.position, path, "keys must be strings")
                continue
            }
            if let value = Value.read(valueNode, path: joinPath(path, name), in: context) { result[name] = value }
        }
        return result
    }
    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "object", "additionalProperties": Value.schema(in: context)]
    }
}

/// A value together with where it was written; used for references that are checked after reading.
public struct Located<Value: ConfigValue>: ConfigValue {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Located<Value>? {
        guard let value = Value.read(node, path: path, in: context) else { return nil }
        return Located(value, at: context.location(node.position, path))
    }
    public static func schema(in context: ReadContext) -> JSONValue { Value.schema(in: context) }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

extension JSONValue: ConfigValue {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> JSONValue? {
        switch node {
        case .scalar(let text, let kind, _):
            switch kind {
            case .null: return .null
            case .bool: return .bool(text.lowercased() == "true")
            case .int: return Int(text).map(JSONValue.int) ?? .string(text)
            case .float: return Double(text).map(JSONValue.double) ?? .string(text)
            case .string: return .string(text)
            }
        case .sequence(let items, _):
            return .array(items.enumerated().compactMap { read($1, path: "\(path)[\($0)]", in: context) })
        case .mapping(let pairs, _):
            var object: [String: JSONValue] = [:]
            for (key, value) in pairs {
                guard case .scalar(let name, _, _) = key else { continue }
                object[name] = read(value, path: joinPath(path, name), in: context)
            }
            return .object(object)
        }
    }
    public static func schema(in context: ReadContext) -> JSONValue { [:] }
}
