/// An identifier: tenant ids, client ids, connection and role names, key ids. Restricted to
/// characters that are safe in URLs, file names, log lines and HTTP headers without escaping.
public struct Identifier: ConfigValue, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public init(stringLiteral value: String) { self.value = value }
    public init?(validating text: String) {
        guard Identifier.isValid(text) else { return nil }
        value = text
    }

    public static let rule = "1 to 128 characters: letters, digits, '.', '_', ':', '-', starting with a letter or digit"

    public static func isValid(_ text: String) -> Bool {
        guard (1...128).contains(text.utf8.count), let first = text.unicodeScalars.first,
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) || ("0"..."9").contains(first)
        else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar) || ".-_:".unicodeScalars.contains(scalar))
        }
    }

    public var description: String { value }
    public static func < (lhs: Identifier, rhs: Identifier) -> Bool { lhs.value < rhs.value }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> Identifier? {
        guard let text = String.read(node, path: path, in: context) else { return nil }
        guard let id = Identifier(validating: text) else {
            context.report(node.position, path, "\"\(text)\" is not a valid identifier (\(rule))")
            return nil
        }
        return id
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"]
    }
}

/// A CSS colour written `#rgb` or `#rrggbb`; validated because it is inserted into page styles.
public struct HexColor: ConfigValue, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public init?(_ text: String) {
        let digits = text.dropFirst()
        guard text.hasPrefix("#"), digits.count == 3 || digits.count == 6,
              digits.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit)
        else { return nil }
        value = text.lowercased()
    }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> HexColor? {
        guard let text = String.read(node, path: path, in: context) else { return nil }
        guard let color = HexColor(text) else {
            context.report(node.position, path, "must be a colour like \"#1f4fd1\", found \"\(text)\"")
            return nil
        }
        return color
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"]
    }
}
