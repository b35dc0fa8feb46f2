import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// What a management operation answers: a status and a JSON body (none for 204).
public struct ManagementResponse: Sendable, Hashable {
    public var status: Int
    public var body: JSONValue?

    public init(status: Int = 200, _ body: JSONValue?) {
        self.status = status
        self.body = body
    }

    public static let noContent = ManagementResponse(status: 204, nil)
}

/// Sends the verification email a created or changed user asks for (`verify_email: true`); the
/// hosted pages' mailer implements it, so the API does not depend on templates.
public protocol VerificationMailing: Sendable {
    func sendVerification(to user: User, tenant: Tenant) async
}
