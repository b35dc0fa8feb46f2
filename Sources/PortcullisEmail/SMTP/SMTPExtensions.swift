/// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1).
struct SMTPExtensions: Equatable {
    /// Keyword (upper-cased) → its parameters (upper-cased).
    private var keywords: [String: [String]] = [:]

    init() {}

    /// The first line of an EHLO reply is the server's greeting; each further line is one keyword.
    init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            // Some old servers announce `AUTH=LOGIN` instead of `AUTH LOGIN`.
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first else { continue }
            keywords[keyword, default: []] += words.dropFirst()
        }
    }

    func supports(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    var authenticationMechanisms: Set<String> { Set(keywords["AUTH"] ?? []) }
}
