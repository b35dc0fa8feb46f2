import Foundation
import PortcullisEmail
import PortcullisStore

extension AccountMail {
    /// Queues the invitation email: who invites whom into which organization, the link and how long
    /// it works. The link carries its own ticket, so unlike the account links nothing is stored here.
    public func sendInvitation(_ invitation: Invitation, organizationName: String, tenantName: String, url: String,
                               locale: String, now: Date = Date()) throws {
        let days = max(1, Int((invitation.expiresAt.timeIntervalSince(now) / 86400).rounded()))
        let arguments = ["inviter": invitation.inviterName, "organization": organizationName, "tenant": tenantName,
                         "link": url, "days": String(days)]
        let message = try EmailMessage(
            from: from, to: [try EmailAddress(invitation.inviteeEmail)],
            subject: catalog.text("email_invitation_subject", locale: locale, arguments),
            textBody: catalog.text("email_invitation_body", locale: locale, arguments))
        try outbox.send(message)
    }
}
