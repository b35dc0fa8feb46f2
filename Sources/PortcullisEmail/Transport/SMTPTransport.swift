/// Delivers messages to the SMTP server described by `EmailSettings`, one connection per message.
///
/// A connection per message keeps the client small and failure handling simple; the emails Portcullis
/// sends (verification, reset, unlock) come one at a time, so connection reuse would buy little.
public struct SMTPTransport: MailTransport {
    private let client: SMTPClient

    public init(settings: EmailSettings) throws(SMTPError) {
        client = try SMTPClient(settings: settings)
    }

    public func deliver(_ message: EmailMessage) async throws {
        try await client.send(message)
    }
}
