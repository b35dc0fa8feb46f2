/// Escaping for the XML we write as text (responses, metadata, forms): every value that comes from
/// config, a request or a user goes through here.
public enum XMLText {
    /// Text content: `&`, `<` and `>` escaped (and CR, which parsers would normalize away).
    public static func content(_ text: String) -> String { escape(text, attribute: false) }

    /// An attribute value in double quotes: also `"` and the whitespace characters attribute-value
    /// normalization would otherwise turn into spaces.
    public static func attribute(_ text: String) -> String { escape(text, attribute: true) }

    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars where isXMLCharacter(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            case "\"" where attribute: out += "&quot;"
            case "\t" where attribute: out += "&#9;"
            case "\n" where attribute: out += "&#10;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// XML 1.0 `Char`: other control characters cannot be written at all, even escaped, so they
    /// are left out rather than making a document no parser accepts.
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
