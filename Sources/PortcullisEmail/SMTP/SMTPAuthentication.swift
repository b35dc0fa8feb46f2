import Foundation

/// AUTH PLAIN (RFC 4616) and AUTH LOGIN, the two mechanisms every submission server offers.
///
/// Only ever runs on a TLS connection (or a loopback host when explicitly allowed): both send the
/// password merely base64-encoded.
enum SMTPAuthentication {
    case plain, login

    /// PLAIN is preferred: one round trip, standardised.
    static func choose(from extensions: SMTPExtensions) -> SMTPAuthentication? {
        let offered = extensions.authenticationMechanisms
        if offered.contains("PLAIN") { return .plain }
        if offered.contains("LOGIN") { return .login }
        return nil
    }

    func authenticate(
        username: String, password: String, on conversation: inout SMTPConversation, timeout: Duration
    ) async throws(SMTPError) {
        switch self {
        case .plain:
            let token = Self.base64("\0\(username)\0\(password)")
            try await conversation.command("AUTH PLAIN \(token)", expecting: 235, stage: .authentication, timeout: timeout)
        case .login:
            try await conversation.command("AUTH LOGIN", expecting: 334, stage: .authentication, timeout: timeout)
            try await conversation.command(Self.base64(username), expecting: 334, stage: .authentication, timeout: timeout)
            try await conversation.command(Self.base64(password), expecting: 235, stage: .authentication, timeout: timeout)
        }
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
