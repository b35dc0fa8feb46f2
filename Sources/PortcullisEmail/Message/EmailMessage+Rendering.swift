import Foundation

extension EmailMessage {
    /// The message in RFC 5322 / MIME form: CRLF line endings, 7-bit ASCII only, ready for SMTP `DATA`
    /// (dot-stuffing is applied when sending, not here) or for an `.eml` file.
    public func rendered(at date: Date = Date()) -> String {
        var lines = [
            "Date: " + MessageDate.format(date),
            "From: " + Self.mailbox(from),
            "To: " + to.map(Self.mailbox).joined(separator: ",\r\n "),
            "Subject: " + Self.unstructured(subject),
            "Message-ID: <\(id)@\(from.domain)>",
            "MIME-Version: 1.0",
        ]
        lines += headers.map { $0.name + ": " + Self.unstructured($0.value) }

        let text = Self.part(contentType: "text/plain", body: textBody)
        guard let htmlBody else {
            return (lines + text).joined(separator: "\r\n") + "\r\n"
        }
        let boundary = "=_portcullis_\(id)"
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("--" + boundary)
        lines += text
        lines.append("--" + boundary)
        lines += Self.part(contentType: "text/html", body: htmlBody)
        lines.append("--" + boundary + "--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func part(contentType: String, body: String) -> [String] {
        [
            "Content-Type: \(contentType); charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(body),
        ]
    }

    /// Short ASCII stays readable; anything else (non-ASCII, or long enough to need folding) becomes
    /// encoded-words, which fold safely at word boundaries.
    static func unstructured(_ text: String) -> String {
        text.isASCII && text.utf8.count <= 64 ? text : EncodedWord.encode(text)
    }

    static func mailbox(_ mailbox: EmailAddress) -> String {
        guard let name = mailbox.displayName else { return mailbox.address }
        if name.isASCII && name.utf8.count <= 64 {
            // A quoted-string is valid for every ASCII name, including ones with commas or dots.
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(mailbox.address)>"
        }
        return EncodedWord.encode(name) + " <\(mailbox.address)>"
    }
}
