/// Quoted-printable body encoding (RFC 2045 §6.7).
///
/// Chosen for every body: the result is 7-bit ASCII with short lines, so it passes any relay, stays
/// readable for mostly-English text, and can never contain `=_`, which keeps our multipart boundary
/// (`=_portcullis_…`) unique without scanning the body.
enum QuotedPrintable {
    static let maxLineLength = 76

    /// Encodes UTF-8 text; its line breaks (LF, CRLF or CR) become CRLF hard breaks.
    static func encode(_ text: String) -> String {
        var output = ""
        for (index, line) in lines(of: text).enumerated() {
            if index > 0 { output += "\r\n" }
            output += encodeLine(line)
        }
        return output
    }

    private static func lines(of text: String) -> [Substring] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func encodeLine(_ line: Substring) -> String {
        let bytes = Array(line.utf8)
        var output = ""
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let token: String
            if (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && isLast {
                // Trailing whitespace may be stripped in transit, so it is encoded.
                token = hex(byte)
            } else if byte == UInt8(ascii: "=") || byte >= 0x7F || (byte < 0x20 && byte != UInt8(ascii: "\t")) {
                token = hex(byte)
            } else {
                token = String(UnicodeScalar(byte))
            }
            // Leave room for the "=" of a soft line break.
            if lineLength + token.count > maxLineLength - 1 {
                output += "=\r\n"
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
