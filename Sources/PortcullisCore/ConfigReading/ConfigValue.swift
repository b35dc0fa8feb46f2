/// A type that can be read from one configuration node. Reading never throws: problems are reported
/// to the context (all of them, not just the first) and `nil` is returned for an unusable value.
public protocol ConfigValue: Sendable {
    static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Self?
    /// The JSON Schema of this type. Object types register their definition in the context.
    static func schema(in context: ReadContext) -> JSONValue
}

/// A configuration object: a YAML mapping with known keys. Its initializer reads every key it
/// knows through the reader (unconditionally, so the schema sees all of them); unknown keys are
/// then reported with a "did you mean" suggestion.
public protocol ConfigObject: ConfigValue {
    /// Name of the definition in the JSON Schema (`$defs`).
    static var definitionName: String { get }
    /// One sentence shown in the schema and the reference documentation.
    static var summary: String { get }
    init(reading reader: ObjectReader)
}

extension ConfigObject {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Self? {
        guard case .mapping = node else {
            context.report(node.position, path, "must be a mapping, found \(node.kindDescription)")
            return nil
        }
        let reader = ObjectReader(node: node, path: path, context: context)
        let value = Self(reading: reader)
        reader.reportUnknownKeys()
        return value
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        let ref: JSONValue = ["$ref": .string("#/$defs/\(definitionName)")]
        if context.definitions[definitionName] != nil { return ref }
        context.definitions[definitionName] = [:]  // placeholder: guards against recursion
        let reader = ObjectReader(describing: context)
        _ = Self(reading: reader)
        context.definitions[definitionName] = reader.objectSchema(summary: summary)
        return ref
    }

    /// Reads a whole file's root object.
    public static func readRoot(_ node: ConfigNode, in context: ReadContext) -> Self? {
        read(node, path: "", in: context)
    }
}

/// String-backed enumerations (`type: spa`).
public protocol ConfigEnum: ConfigValue, RawRepresentable, CaseIterable where RawValue == String {}

extension ConfigEnum {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Self? {
        guard let text = String.read(node, path: path, in: context) else { return nil }
        if let value = Self(rawValue: text) { return value }
        let choices = allCases.map(\.rawValue)
        var message = "must be one of \(choices.joined(separator: ", ")), found \"\(text)\""
        if let near = Suggestion.closest(to: text, among: choices) { message += "; did you mean \"\(near)\"?" }
        context.report(node.position, path, message)
        return nil
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "string", "enum": .array(allCases.map { .string($0.rawValue) })]
    }
}
