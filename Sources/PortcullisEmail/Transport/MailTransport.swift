/// Something that delivers a rendered message: SMTP in production, a directory in development.
public protocol MailTransport: Sendable {
    /// Delivers one message or throws. Errors conforming to `MailDeliveryFailure` say whether a retry
    /// can help; any other error is treated as temporary.
    func deliver(_ message: EmailMessage) async throws
}

/// An error that knows whether retrying the same message can succeed.
public protocol MailDeliveryFailure: Error {
    var isPermanent: Bool { get }
}

extension SMTPError: MailDeliveryFailure {}
