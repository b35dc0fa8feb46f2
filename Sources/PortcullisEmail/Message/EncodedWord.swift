import Foundation

/// RFC 2047 encoded-words, used for header text that is not plain ASCII (subjects, display names).
enum EncodedWord {
    /// 36 UTF-8 bytes become 48 base64 characters, so one word is 60 characters long and even the first
    /// line (`Subject: ` + word) stays within the 78 characters RFC 5322 recommends.
    static let bytesPerWord = 36

    /// Encodes `text` as B-encoded UTF-8 words separated by folding whitespace (CRLF SP). A word never
    /// ends in the middle of a code point, as RFC 2047 §5 requires.
    static func encode(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > bytesPerWord {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
