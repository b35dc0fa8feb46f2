/// Durations are written `90s`, `15m`, `1h30m`, `14d`, `500ms`, or as a whole number of seconds.
extension Duration: ConfigValue, ConfigDefault {
    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Duration? {
        guard case .scalar(let text, let kind, _) = node, kind == .string || kind == .int else {
            context.report(node.position, path, "must be a duration such as 30s, 15m, 12h or 7d, found \(node.kindDescription)")
            return nil
        }
        guard let duration = Duration(configText: text) else {
            context.report(node.position, path, "\"\(text)\" is not a duration; write it like 30s, 15m, 1h30m or 7d")
            return nil
        }
        return duration
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["oneOf": [
            ["type": "string", "pattern": "^([0-9]+(ms|s|m|h|d|w))+$"],
            ["type": "integer", "minimum": 0, "description": "seconds"],
        ]]
    }

    public var defaultJSON: JSONValue { .string(configText) }

    /// Parses the configuration syntax; nil for anything else (including overflow).
    public init?(configText text: String) {
        if let seconds = Int64(text), seconds >= 0 {
            self = .seconds(seconds)
            return
        }
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000),
                                        ("d", 86_400_000), ("w", 604_800_000)]
        var total: Int64 = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 12, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            // "ms" must be tried before "m".
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) })
            else { return nil }
            rest = rest.dropFirst(unit.0.count)
            let (product, overflow1) = number.multipliedReportingOverflow(by: unit.1)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
        }
        self = .milliseconds(total)
    }

    /// The duration in the configuration syntax, largest units first (`1h30m`).
    public var configText: String {
        var ms = components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
        if ms == 0 { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)]
        where ms >= size {
            text += "\(ms / size)\(unit)"
            ms %= size
        }
        return text
    }

    /// Whole seconds, for wire formats such as `expires_in`.
    public var wholeSeconds: Int64 { components.seconds }
}
