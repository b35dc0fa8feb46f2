import Foundation
import PortcullisCrypto
import PortcullisEmail
import PortcullisStore

/// The emails of account flows — verify address, reset password, unlock — with single-use links.
/// Messages are queued on the outbox, so a page never waits for the mail server.
public struct AccountMail: Sendable {
    public enum Kind: Sendable {
        case verifyEmail, resetPassword, unlock

        var purpose: EmailTokenPurpose {
            switch self {
            case .verifyEmail: return .verifyEmail
            case .resetPassword: return .resetPassword
            case .unlock: return .unlock
            }
        }

        /// How long a link works.
        public var lifetime: TimeInterval {
            switch self {
            case .verifyEmail: return 24 * 3600
            case .resetPassword: return 3600
            case .unlock: return 24 * 3600
            }
        }

        /// The page the link opens, below `{issuer}/u/`.
        public var page: String {
            switch self {
            case .verifyEmail: return "verify-email"
            case .resetPassword: return "reset-password"
            case .unlock: return "unlock"
            }
        }

        var messagePrefix: String {
            switch self {
            case .verifyEmail: return "email_verify"
            case .resetPassword: return "email_reset"
            case .unlock: return "email_unlock"
            }
        }
    }

    let outbox: MailOutbox
    let from: EmailAddress
    let storage: any PortcullisStorage
    let catalog: MessageCatalog

    public init(outbox: MailOutbox, from: String, storage: any PortcullisStorage, catalog: MessageCatalog) throws {
        self.outbox = outbox
        self.from = try AccountMail.parseAddress(from)
        self.storage = storage
        self.catalog = catalog
    }

    /// Issues a single-use link for the user and queues the email carrying it. Earlier unused links of
    /// the same kind stop working, so only the newest email counts.
    public func send(_ kind: Kind, to user: User, tenantName: String, pagesURL: String, locale: String,
                     now: Date = Date()) async throws {
        let token = RandomToken.make()
        _ = try await storage.deleteUnusedEmailTokens(tenantID: user.tenantID, userID: user.id, purpose: kind.purpose)
        try await storage.createEmailToken(EmailToken(
            digest: SecretDigest(of: token).hex, tenantID: user.tenantID, userID: user.id, purpose: kind.purpose,
            expiresAt: now.addingTimeInterval(kind.lifetime)))
        let link = "\(pagesURL)/\(kind.page)?token=\(token)"
        let arguments = ["name": user.name ?? user.email, "tenant": tenantName, "link": link,
                         "hours": String(Int(kind.lifetime / 3600))]
        let message = try EmailMessage(
            from: from, to: [try EmailAddress(user.email, displayName: user.name)],
            subject: catalog.text("\(kind.messagePrefix)_subject", locale: locale, arguments),
            textBody: catalog.text("\(kind.messagePrefix)_body", locale: locale, arguments))
        try outbox.send(message)
    }

    /// `Name <address>` or a bare address.
    public static func parseAddress(_ text: String) throws -> EmailAddress {
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let name = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return try EmailAddress(String(text[text.index(after: open)..<close]), displayName: name.isEmpty ? nil : name)
        }
        return try EmailAddress(text.trimmingCharacters(in: .whitespaces))
    }
}
