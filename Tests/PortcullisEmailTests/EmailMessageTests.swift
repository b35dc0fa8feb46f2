import Foundation
import Testing
@testable import PortcullisEmail

@Suite struct EmailMessageTests {
    @Test func plainTextMessageHasTheRequiredHeaders() throws {
        let date = Date(timeIntervalSince1970: 1_736_240_703)  // 2025-01-07 09:05:03 UTC
        let rendered = Fixtures.message().rendered(at: date)
        let headers = Fixtures.headers(of: rendered)

        #expect(headers["Date"] == "Tue, 07 Jan 2025 09:05:03 +0000")
        #expect(headers["From"] == "\"Acme Login\" <login@acme.test>")
        #expect(headers["To"] == "alice@example.com")
        #expect(headers["Subject"] == "Verify your email")
        #expect(headers["Message-ID"] == "<testmessage01@acme.test>")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(headers["Content-Transfer-Encoding"] == "quoted-printable")
        #expect(rendered.hasSuffix("\r\n\r\nHello,\r\nfollow the link.\r\n"))
    }

    @Test func everyLineEndsInCRLFAndIsSevenBit() {
        let rendered = Fixtures.message(subject: "Bestätige deine E-Mail", text: "Grüße\nß", html: "<p>Grüße</p>")
            .rendered()
        #expect(rendered.utf8.allSatisfy { $0 < 0x80 })
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in rendered.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78) }
    }

    @Test func randomIdsDiffer() throws {
        let a = try EmailMessage(from: Fixtures.address("a@b.test"), to: [Fixtures.address("c@d.test")], subject: "s", textBody: "t")
        let b = try EmailMessage(from: Fixtures.address("a@b.test"), to: [Fixtures.address("c@d.test")], subject: "s", textBody: "t")
        #expect(a.id != b.id)
        #expect(a.id.count == 26)
    }

    @Test func htmlMakesAMultipartAlternative() {
        let rendered = Fixtures.message(html: "<p>Hello</p>").rendered()
        let boundary = "=_portcullis_testmessage01"
        #expect(Fixtures.headers(of: rendered)["Content-Type"] == "multipart/alternative; boundary=\"\(boundary)\"")
        let parts = rendered.components(separatedBy: "--\(boundary)")
        #expect(parts.count == 4)  // preamble, text, html, closing "--"
        #expect(parts[1].contains("Content-Type: text/plain; charset=utf-8"))
        #expect(parts[2].contains("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Hello</p>"))
        #expect(parts[3] == "--\r\n")
    }

    @Test func nonASCIISubjectAndDisplayNameUseEncodedWords() {
        let message = Fixtures.message(
            subject: "Passwort zurücksetzen für „Acme“ 🔐 — bitte innerhalb von 24 Stunden bestätigen",
            to: [Fixtures.address("jurgen@example.de", "Jürgen Müller")])
        let headers = Fixtures.headers(of: message.rendered())

        let subject = try! #require(headers["Subject"])
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        #expect(Fixtures.decodeEncodedWords(subject) == message.subject)

        let to = try! #require(headers["To"])
        #expect(to.hasSuffix(" <jurgen@example.de>"))
        #expect(Fixtures.decodeEncodedWords(String(to.dropLast(" <jurgen@example.de>".count))) == "Jürgen Müller")
    }

    @Test func asciiDisplayNameIsQuoted() {
        let from = Fixtures.address("a@b.test", #"Acme, "Inc." \ Co"#)
        #expect(EmailMessage.mailbox(from) == #""Acme, \"Inc.\" \\ Co" <a@b.test>"#)
    }

    @Test func severalRecipientsAreFolded() {
        let message = Fixtures.message(to: [Fixtures.address("a@x.test"), Fixtures.address("b@y.test", "Bee")])
        #expect(message.rendered().contains("To: a@x.test,\r\n \"Bee\" <b@y.test>\r\n"))
        #expect(message.recipientDomains == ["x.test", "y.test"])
    }

    @Test(arguments: ["Hi\r\nBcc: victim@example.com", "Hi\nX: y", "Hi\rX", "Hi\u{0}"])
    func lineBreaksInHeaderValuesAreRefused(_ value: String) {
        #expect(throws: EmailMessageError.controlCharacter(field: "Subject")) {
            try EmailMessage(from: Fixtures.address("a@b.test"), to: [Fixtures.address("c@d.test")], subject: value, textBody: "")
        }
        #expect(throws: EmailMessageError.controlCharacter(field: "display name")) {
            try EmailAddress("a@b.test", displayName: value)
        }
        #expect(throws: EmailMessageError.controlCharacter(field: "X-Tenant")) {
            try EmailHeader("X-Tenant", value)
        }
    }

    @Test func customHeadersAreRenderedButReservedOnesRefused() throws {
        let message = try EmailMessage(
            from: Fixtures.address("a@b.test"), to: [Fixtures.address("c@d.test")], subject: "s", textBody: "t",
            headers: [EmailHeader("X-Portcullis-Tenant", "acme"), EmailHeader("Auto-Submitted", "auto-generated")])
        #expect(message.rendered().contains("\r\nX-Portcullis-Tenant: acme\r\nAuto-Submitted: auto-generated\r\n"))
        #expect(throws: EmailMessageError.reservedHeader("BCC")) { try EmailHeader("BCC", "x@y.test") }
        #expect(throws: EmailMessageError.invalidHeaderName) { try EmailHeader("X Bad", "v") }
        #expect(throws: EmailMessageError.invalidHeaderName) { try EmailHeader("X:Bad", "v") }
    }

    @Test(arguments: [
        "plain", "@example.com", "a@", "a..b@example.com", ".a@example.com", "a@-", "a b@example.com",
        "a@exa mple.com", "<a@example.com>", "a@example.com\r\nRCPT TO:<b@example.com>", "jürgen@example.de",
        "a@[127.0.0.1]",
    ])
    func invalidAddressesAreRefused(_ text: String) {
        #expect(throws: EmailMessageError.invalidAddress) { try EmailAddress(text) }
    }

    @Test(arguments: ["a@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "x@localhost"])
    func validAddressesAreAccepted(_ text: String) throws {
        #expect(try EmailAddress(text).address == text)
    }

    @Test func aMessageNeedsARecipient() {
        #expect(throws: EmailMessageError.noRecipients) {
            try EmailMessage(from: Fixtures.address("a@b.test"), to: [], subject: "s", textBody: "t")
        }
    }
}
