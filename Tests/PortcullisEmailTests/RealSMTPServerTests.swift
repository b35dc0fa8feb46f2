import Foundation
import Testing
@testable import PortcullisEmail

/// Delivers one message to a real SMTP server; runs only when `PORTCULLIS_TEST_SMTP_PORT` is set, so
/// the suite needs no external process by default. See docs/email.md ("Against a real server").
///
/// Environment: `PORTCULLIS_TEST_SMTP_PORT`, `PORTCULLIS_TEST_SMTP_HOST` (default 127.0.0.1),
/// `PORTCULLIS_TEST_SMTP_SECURITY` (`none`, `starttls` or `tls`; default `none`),
/// `PORTCULLIS_TEST_SMTP_CA` (a CA bundle for a test certificate).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PORTCULLIS_TEST_SMTP_PORT"] != nil))
struct RealSMTPServerTests {
    @Test func deliversToTheConfiguredServer() async throws {
        let environment = ProcessInfo.processInfo.environment
        let security = try #require(EmailSettings.Security(rawValue: environment["PORTCULLIS_TEST_SMTP_SECURITY"] ?? "none"))
        let settings = EmailSettings(
            host: environment["PORTCULLIS_TEST_SMTP_HOST"] ?? "127.0.0.1",
            port: Int(try #require(environment["PORTCULLIS_TEST_SMTP_PORT"]))!,
            security: security, from: Fixtures.address("login@acme.test", "Acme Anmeldung"),
            caBundlePath: environment["PORTCULLIS_TEST_SMTP_CA"])
        let message = try EmailMessage(
            from: settings.from, to: [Fixtures.address("jurgen@example.de", "Jürgen Müller")],
            subject: "Bestätige deine E-Mail-Adresse", textBody: "Hallo Jürgen,\n.\nbitte bestätigen.",
            htmlBody: "<p>Hallo J&uuml;rgen</p>", id: "realserver\(security.rawValue)")
        try await SMTPClient(settings: settings).send(message)
    }
}
