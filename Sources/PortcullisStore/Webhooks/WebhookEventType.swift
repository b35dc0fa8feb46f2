/// The event types webhooks subscribe to (AuthPI's vocabulary), and which stored audit event each
/// one is. The store uses it to queue, in the transaction of the change, only events some webhook
/// could want; the webhook configuration lists the same names (a test keeps the two equal).
public enum WebhookEventType {
    public static let all: [String] = [
        "user.created", "user.updated", "user.deleted", "user.blocked", "user.unblocked", "user.login",
        "user.login_failed", "user.logout", "user.password_changed", "user.email_verified",
        "user.verification.failed", "session.revoked", "token.issued", "organization.member.added",
        "organization.member.removed", "organization.invitation.accepted", "role.assigned", "role.unassigned",
        "config.reloaded",
    ]

    /// The webhook event type of a stored event, if webhooks can subscribe to it.
    ///
    /// A session ended by its user (hosted or RP-initiated logout) is `user.logout`; one ended by an
    /// administrator, a block or a password reset is `session.revoked`.
    public static func of(_ type: String, details: [String: String]) -> String? {
        switch type {
        case DomainEventKind.userCreated.rawValue: "user.created"
        case DomainEventKind.userUpdated.rawValue: "user.updated"
        case DomainEventKind.userDeleted.rawValue: "user.deleted"
        case DomainEventKind.userBlocked.rawValue: "user.blocked"
        case DomainEventKind.userUnblocked.rawValue: "user.unblocked"
        case DomainEventKind.loginSucceeded.rawValue: "user.login"
        case DomainEventKind.loginFailed.rawValue: "user.login_failed"
        case DomainEventKind.passwordChanged.rawValue: "user.password_changed"
        case DomainEventKind.emailVerified.rawValue: "user.email_verified"
        case DomainEventKind.emailVerificationFailed.rawValue: "user.verification.failed"
        case DomainEventKind.sessionEnded.rawValue:
            logoutVias.contains(details["via"] ?? "") ? "user.logout" : "session.revoked"
        case DomainEventKind.sessionsRevoked.rawValue: "session.revoked"
        case DomainEventKind.tokenIssued.rawValue: "token.issued"
        case DomainEventKind.memberAdded.rawValue: "organization.member.added"
        case DomainEventKind.memberRemoved.rawValue: "organization.member.removed"
        case DomainEventKind.invitationAccepted.rawValue: "organization.invitation.accepted"
        case DomainEventKind.roleAssigned.rawValue: "role.assigned"
        case DomainEventKind.roleUnassigned.rawValue: "role.unassigned"
        case DomainEventKind.configReloaded.rawValue: "config.reloaded"
        default: nil
        }
    }
}
