import Logging
import PortcullisConfig
import PortcullisManagement
import PortcullisStore
import PortcullisUI

/// `verify_email: true` on the management API: the same verification email sign-up sends, in the
/// tenant's default language, with links to its hosted pages.
struct VerificationMailer: VerificationMailing {
    let mail: AccountMail
    let logger = Logger(label: "portcullis.management")

    func sendVerification(to user: User, tenant: Tenant) async {
        do {
            try await mail.send(.verifyEmail, to: user, tenantName: tenant.config.displayName,
                                pagesURL: tenant.issuer.text + "/u", locale: "en")
        } catch {
            logger.error("verification email could not be queued", metadata: ["error": "\(error)"])
        }
    }
}
