/// One reply of an SMTP server (RFC 5321 §4.2): a three-digit code and one or more lines of text.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    public let code: Int
    /// The text of each line, without the code and separator.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// All lines joined by a space: what errors and logs show.
    public var text: String { lines.joined(separator: " ") }

    /// 4xx: the server asks to try again later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5xx: retrying the same message will not help.
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    public var description: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
}

/// One line of a reply, as parsed by `SMTPReplyDecoder`.
struct SMTPReplyLine: Equatable {
    let code: Int
    /// True for `250-…` lines, which announce that more lines of the same reply follow.
    let continues: Bool
    let text: String

    /// Parses `ddd text`, `ddd-text` or a bare `ddd`; returns nil for anything else.
    static func parse(_ line: String) -> SMTPReplyLine? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0])
        else { return nil }
        let code = Int(String(decoding: bytes[0...2], as: UTF8.self))!
        guard bytes.count > 3 else { return SMTPReplyLine(code: code, continues: false, text: "") }
        guard bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else { return nil }
        return SMTPReplyLine(
            code: code, continues: bytes[3] == UInt8(ascii: "-"),
            text: String(decoding: bytes[4...], as: UTF8.self))
    }
}
