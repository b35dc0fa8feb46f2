/// Text written in configuration for people to read on a hosted page: one string for every
/// language, or a mapping of locale to text (`{en: "Company", de: "Firma"}`).
public struct LocalizedText: ConfigValue, Hashable, Sendable, ExpressibleByStringLiteral {
    /// Locale (lower case, `de` or `de-at`) → text.
    public var texts: [String: String]

    public init(stringLiteral value: String) { texts = ["": value] }
    public init(_ texts: [String: String]) { self.texts = texts }

    /// The text for `locale`: its own, else its language's (`de` for `de-at`), else English, else
    /// the single unqualified text, else the first by locale.
    public func text(for locale: String) -> String {
        let lowered = locale.lowercased()
        let primary = String(lowered.split(separator: "-").first ?? "")
        for candidate in [lowered, primary, "en", ""] { if let text = texts[candidate] { return text } }
        return texts.sorted { $0.key < $1.key }.first?.value ?? ""
    }

    public var isEmpty: Bool { texts.values.allSatisfy(\.isEmpty) }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> LocalizedText? {
        switch node {
        case .scalar:
            return String.read(node, path: path, in: context).map { LocalizedText(["": $0]) }
        case .mapping:
            guard let table = [String: String].read(node, path: path, in: context) else { return nil }
            var texts: [String: String] = [:]
            for (locale, text) in table {
                let valid = (2...16).contains(locale.utf8.count)
                    && locale.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "-") }
                guard valid else {
                    context.report(node.position, path, "\"\(locale)\" is not a locale (use a language tag such as en or de-AT)")
                    continue
                }
                texts[locale.lowercased()] = text
            }
            if table.isEmpty { context.report(node.position, path, "must give the text for at least one locale") }
            return LocalizedText(texts)
        case .sequence:
            context.report(node.position, path, "must be a string or a mapping of locale to text, found a list")
            return nil
        }
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["oneOf": [["type": "string"], ["type": "object", "additionalProperties": ["type": "string"]]]]
    }
}
