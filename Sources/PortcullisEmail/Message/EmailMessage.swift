/// An email ready to be rendered and sent. Every part is validated when the message is built, so a
/// message that exists can always be rendered safely.
public struct EmailMessage: Sendable, Hashable {
    /// A random identifier: the local part of the `Message-ID` header and the name logs use for the
    /// message (never its recipients or body, which may hold tokens).
    public let id: String
    public let from: EmailAddress
    public let to: [EmailAddress]
    public let subject: String
    /// The plain-text body; always sent, so every mail client can show something.
    public let textBody: String
    /// An optional HTML alternative; when present the message becomes `multipart/alternative`.
    public let htmlBody: String?
    public let headers: [EmailHeader]

    public init(
        from: EmailAddress,
        to: [EmailAddress],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        headers: [EmailHeader] = [],
        id: String = MessageIdentifier.random()
    ) throws(EmailMessageError) {
        guard !to.isEmpty else { throw .noRecipients }
        guard subject.isSafeHeaderText else { throw .controlCharacter(field: "Subject") }
        // The id ends up inside `<id@domain>` and in file names; keep it to a safe alphabet.
        guard !id.isEmpty, id.utf8.count <= 64,
            id.utf8.allSatisfy({ MessageIdentifier.alphabet.utf8.contains($0) || $0 == UInt8(ascii: "-") })
        else { throw .controlCharacter(field: "Message-ID") }
        self.id = id
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.headers = headers
    }

    /// The recipients' domains, deduplicated: enough to tell which provider refused a message without
    /// writing personal addresses into logs.
    public var recipientDomains: [String] {
        var seen = Set<String>()
        return to.map { $0.domain.lowercased() }.filter { seen.insert($0).inserted }
    }
}

/// Random message identifiers from the system's cryptographic generator, so ids cannot be predicted
/// from one another.
public enum MessageIdentifier {
    static let alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

    /// 26 characters from a 36-letter alphabet: about 134 bits.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let letters = Array(alphabet)
        return String((0..<26).map { _ in letters[Int(generator.next(upperBound: UInt64(letters.count)))] })
    }
}
