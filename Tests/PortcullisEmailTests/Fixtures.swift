import Foundation
@testable import PortcullisEmail

/// Small builders shared by the suites.
enum Fixtures {
    static func address(_ text: String, _ name: String? = nil) -> EmailAddress {
        try! EmailAddress(text, displayName: name)
    }

    static func message(
        subject: String = "Verify your email",
        text: String = "Hello,\nfollow the link.",
        html: String? = nil,
        to: [EmailAddress] = [address("alice@example.com")]
    ) -> EmailMessage {
        try! EmailMessage(
            from: address("login@acme.test", "Acme Login"), to: to, subject: subject,
            textBody: text, htmlBody: html, id: "testmessage01")
    }

    /// Unfolds header lines and splits the header block from the body.
    static func headers(of rendered: String) -> [String: String] {
        let block = rendered.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        var result: [String: String] = [:]
        for line in block.components(separatedBy: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            result[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// Decodes RFC 2047 B-encoded words that are separated by folding whitespace.
    static func decodeEncodedWords(_ text: String) -> String {
        let words = text.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }
        var bytes = Data()
        for word in words {
            precondition(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), "not an encoded word: \(word)")
            bytes += Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func settings(port: Int, security: EmailSettings.Security = .plaintext) -> EmailSettings {
        EmailSettings(
            host: "127.0.0.1", port: port, security: security, from: address("login@acme.test"),
            // Generous: tests run in parallel with CPU-heavy ones; tests about timeouts set their own.
            heloName: "portcullis.test", connectTimeout: .seconds(10), commandTimeout: .seconds(10),
            dataTimeout: .seconds(10))
    }
}
