import Foundation
import PortcullisCrypto
import PortcullisStore

extension HostedPageRequest {
    /// The browser's session and its user, if the session cookie names a usable session: what the
    /// OAuth and SAML endpoints reuse instead of asking the user to sign in again.
    func currentSession(now: Date) async throws -> (Session?, User?) {
        guard let token = cookies[tenant.config.session.cookieName], !token.isEmpty,
              token.utf8.count <= 128 else { return (nil, nil) }
        let storage = services.storage
        guard let session = try await storage.session(tenantID: tenant.id, digest: SecretDigest(of: token).hex, now: now)
        else { return (nil, nil) }
        let user = try await storage.user(tenantID: tenant.id, id: session.userID)
        return (session, user)
    }
}
