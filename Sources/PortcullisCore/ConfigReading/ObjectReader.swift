/// Reads the keys of one YAML mapping into a configuration object, recording the position of every
/// value and every problem. In describe mode it reads nothing and records the keys, their schemas and
/// documentation instead.
public final class ObjectReader {
    public let context: ReadContext
    public let path: String
    public let position: ConfigNode.Position
    private let entries: [String: (keyNode: ConfigNode, value: ConfigNode)]
    private let keyOrder: [String]
    private var known: [String] = []
    private var fields: [(key: String, schema: JSONValue, required: Bool)] = []
    public private(set) var source: SourceMap

    init(node: ConfigNode, path: String, context: ReadContext) {
        self.context = context
        self.path = path
        self.position = node.position
        var entries: [String: (keyNode: ConfigNode, value: ConfigNode)] = [:]
        var order: [String] = []
        if case .mapping(let pairs, _) = node {
            for (key, value) in pairs {
                guard case .scalar(let name, let kind, _) = key, kind != .null else {
                    context.report(key.position, path, "keys must be strings, found \(key.kindDescription)")
                    continue
                }
                entries[name] = (key, value)
                order.append(name)
            }
        }
        self.entries = entries
        self.keyOrder = order
        self.source = SourceMap(object: context.location(node.position, path))
    }

    init(describing context: ReadContext) {
        self.context = context
        self.path = ""
        self.position = .init(line: 0, column: 0)
        self.entries = [:]
        self.keyOrder = []
        self.source = SourceMap(object: context.location(.init(line: 0, column: 0), ""))
    }

    public var isDescribing: Bool { context.mode == .describe }

    /// Whether the key is present in the file (and not null).
    public func has(_ key: String) -> Bool {
        guard let entry = entries[key] else { return false }
        return !entry.value.isNull
    }

    // MARK: Reading keys

    /// An optional key; absent or null gives nil.
    public func optional<T: ConfigValue>(_ key: String, _ doc: String) -> T? {
        take(key, doc: doc, required: false, default: nil)
    }

    /// A key that must be present; a missing key is reported at the object.
    public func required<T: ConfigValue>(_ key: String, _ doc: String) -> T? {
        take(key, doc: doc, required: true, default: nil)
    }

    /// A key with a default value used when it is absent (the default is shown in the schema).
    public func value<T: ConfigValue & ConfigDefault>(_ key: String, default fallback: T, _ doc: String) -> T {
        take(key, doc: doc, required: false, default: fallback.defaultJSON) ?? fallback
    }

    /// A list that may be absent (empty).
    public func list<T: ConfigValue>(_ key: String, _ doc: String) -> [T] {
        take(key, doc: doc, required: false, default: nil) ?? []
    }

    /// An integer constrained to a range, with a default.
    public func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>, _ doc: String) -> Int {
        let value: Int = take(key, doc: doc, required: false, default: .int(fallback), range: range) ?? fallback
        guard range.contains(value) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return fallback
        }
        return value
    }

    private func take<T: ConfigValue>(
        _ key: String, doc: String, required: Bool, default fallback: JSONValue?, range: ClosedRange<Int>? = nil
    ) -> T? {
        known.append(key)
        if isDescribing {
            var schema = T.schema(in: context)
            schema = annotate(schema, doc: doc, default: fallback, range: range)
            fields.append((key, schema, required))
            return nil
        }
        let fieldPath = joinPath(path, key)
        guard let entry = entries[key], !entry.value.isNull else {
            if required { context.report(position, fieldPath, "is required") }
            return nil
        }
        source.fields[key] = context.location(entry.value.position, fieldPath)
        let issuesBefore = context.issues.count
        let value = T.read(entry.value, path: fieldPath, in: context)
        if context.issues.count > issuesBefore { source.invalidFields.insert(key) }
        return value
    }

    // MARK: Problems

    /// Reports a problem with a key's value (or with the object when the key is nil or absent).
    public func report(_ key: String?, _ message: String) {
        guard !isDescribing else { return }
        context.report(location(of: key), message)
    }

    /// Where a key's value stands, or the object itself when the key is absent.
    public func location(of key: String?) -> SourceLocation {
        guard let key else { return source.object }
        return source[key]
    }

    /// Called after the object's initializer: every key that was not read is unknown.
    func reportUnknownKeys() {
        for key in keyOrder where !known.contains(key) {
            guard let entry = entries[key] else { continue }
            var message = "unknown key \"\(key)\""
            if let near = Suggestion.closest(to: key, among: known) { message += "; did you mean \"\(near)\"?" }
            context.report(entry.keyNode.position, joinPath(path, key), message)
        }
    }

    // MARK: Schema

    func objectSchema(summary: String) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields { properties[field.key] = field.schema }
        var schema: [String: JSONValue] = [
            "type": "object",
            "description": .string(summary),
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        let required = fields.filter(\.required).map { JSONValue.string($0.key) }
        if !required.isEmpty { schema["required"] = .array(required) }
        return .object(schema)
    }

    private func annotate(_ schema: JSONValue, doc: String, default fallback: JSONValue?, range: ClosedRange<Int>?)
        -> JSONValue
    {
        guard case .object(var object) = schema else { return schema }
        if object["$ref"] != nil {
            // JSON Schema 2020-12 allows siblings of $ref; keep the reference and add the text.
            object["description"] = .string(doc)
            return .object(object)
        }
        object["description"] = .string(doc)
        if let fallback { object["default"] = fallback }
        if let range {
            object["minimum"] = .int(range.lowerBound)
            object["maximum"] = .int(range.upperBound)
        }
        return .object(object)
    }
}

/// The positions of an object's values, kept on every configuration model so that checks made after
/// reading (cross-references, duplicates) can point at the exact line.
public struct SourceMap: Sendable, Hashable {
    public var object: SourceLocation
    public var fields: [String: SourceLocation] = [:]
    /// Keys whose values had problems. Checks that build on such a value are skipped, so one mistake
    /// is reported once rather than again as a consequence elsewhere.
    public var invalidFields: Set<String> = []

    public init(object: SourceLocation) {
        self.object = object
    }

    /// The location of a key's value; for an absent key, the object's position with the key's path.
    public subscript(key: String) -> SourceLocation {
        if let location = fields[key] { return location }
        var location = object
        location.path = joinPath(object.path, key)
        return location
    }
}

/// Types whose default value can be shown in the schema.
public protocol ConfigDefault {
    var defaultJSON: JSONValue { get }
}
