import Logging
import PortcullisConfig
import PortcullisManagement
import PortcullisStore
import PortcullisUI

/// `send_invitation_email` on the management API: the invitation email in the tenant's default
/// language, queued on the outbox; a failure to queue is logged, the invitation stays valid.
struct InvitationMailer: InvitationMailing {
    let mail: AccountMail
    let logger = Logger(label: "portcullis.management")

    func sendInvitation(_ invitation: Invitation, organization: Organization, url: String, tenant: Tenant) async {
        do {
            try mail.sendInvitation(invitation, organizationName: organization.displayName ?? organization.name,
                                    tenantName: tenant.config.displayName, url: url, locale: "en")
            logger.info("invitation email queued", metadata: ["invitation": .string(invitation.id)])
        } catch {
            logger.error("invitation email could not be queued",
                         metadata: ["invitation": .string(invitation.id), "error": "\(error)"])
        }
    }
}
