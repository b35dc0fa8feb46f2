/// Why an SMTP delivery failed, and at which step.
///
/// Descriptions name the step and quote the server's reply; they never contain the password, the
/// message body or the credentials sent during AUTH.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Stage: String, Sendable {
        case connect, greeting, hello, startTLS, authentication, mailFrom, recipient, data, message
    }

    public enum Reason: Sendable, Equatable {
        /// The server answered with an unexpected code.
        case rejected(SMTPReply)
        /// No reply within the configured timeout; the connection was closed.
        case timedOut
        /// TCP connection failed, or the server closed it unexpectedly.
        case connectionFailed(String)
        /// The TLS handshake failed (for example, an untrusted certificate or a name mismatch).
        case tlsFailed(String)
        /// `security: starttls` but the server does not offer STARTTLS. Never downgraded to plaintext.
        case startTLSNotOffered
        /// Credentials are configured but the server offers neither AUTH PLAIN nor AUTH LOGIN.
        case authenticationNotOffered
        /// Credentials would travel unencrypted; refused before connecting.
        case authenticationRequiresTLS
        /// The server sent something that is not an SMTP reply.
        case malformedReply(String)
        /// The delivering task was cancelled (shutdown).
        case cancelled
    }

    public let stage: Stage
    public let reason: Reason

    public init(stage: Stage, reason: Reason) {
        self.stage = stage
        self.reason = reason
    }

    /// The server's reply, when the failure is a rejection.
    public var reply: SMTPReply? {
        if case .rejected(let reply) = reason { return reply }
        return nil
    }

    /// Failures where sending the same message again cannot succeed: 5xx replies and local refusals
    /// that only a configuration change can fix. Everything else (4xx, timeouts, broken connections,
    /// TLS errors that a renewed certificate may fix) is worth retrying.
    public var isPermanent: Bool {
        switch reason {
        case .rejected(let reply): reply.isPermanentFailure
        case .startTLSNotOffered, .authenticationNotOffered, .authenticationRequiresTLS: true
        case .timedOut, .connectionFailed, .tlsFailed, .malformedReply, .cancelled: false
        }
    }

    public var description: String {
        let detail: String
        switch reason {
        case .rejected(let reply): detail = "server replied \(reply)"
        case .timedOut: detail = "timed out waiting for the server"
        case .connectionFailed(let why): detail = "connection failed: \(why)"
        case .tlsFailed(let why): detail = "TLS failed: \(why)"
        case .startTLSNotOffered: detail = "server does not offer STARTTLS"
        case .authenticationNotOffered: detail = "server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .authenticationRequiresTLS: detail = "refusing to send credentials without TLS"
        case .malformedReply(let why): detail = "malformed reply: \(why)"
        case .cancelled: detail = "cancelled"
        }
        return "SMTP \(stage.rawValue): \(detail)"
    }
}
