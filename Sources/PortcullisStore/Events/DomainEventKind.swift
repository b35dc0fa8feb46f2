/// What happened, as a stable dotted name (the `type` of the stored audit event).
///
/// The raw values are part of the stored data and of what operators grep for: never rename one.
/// Auth0's log event codes (`s`, `f`, `sapi`…) are a wire vocabulary the management API maps these
/// to; the internal names stay readable.
public enum DomainEventKind: String, Sendable, Hashable, CaseIterable {
    // Accounts
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case userBlocked = "user.blocked"
    case userUnblocked = "user.unblocked"
    case userDeleted = "user.deleted"
    case passwordChanged = "user.password_changed"
    case emailVerified = "user.email_verified"
    /// An email verification link that could not be used (unknown, expired or used); no subject,
    /// since an unusable link names no user.
    case emailVerificationFailed = "user.verification_failed"
    case accountUnlocked = "user.unlocked"
    /// Account linking: the subject (a user) became an identity of the primary in `details`, or stopped being one.
    case identityLinked = "user.identity_linked"
    case identityUnlinked = "user.identity_unlinked"
    // Logins and sessions
    case loginSucceeded = "login.succeeded"
    case loginFailed = "login.failed"
    /// This failure locked the account (too many wrong passwords).
    case accountLocked = "login.account_locked"
    case sessionEnded = "session.ended"
    /// Every session of a user ended at once (password reset, block, "log out everywhere").
    case sessionsRevoked = "session.all_revoked"
    // OAuth
    case tokenIssued = "token.issued"
    /// A rotated refresh token came back: its whole family was revoked.
    case refreshTokenReused = "token.refresh_reused"
    case grantRevoked = "grant.revoked"
    // Organizations and access
    case organizationCreated = "organization.created"
    case organizationUpdated = "organization.updated"
    case organizationDeleted = "organization.deleted"
    case organizationConnectionEnabled = "organization.connection_enabled"
    case organizationConnectionUpdated = "organization.connection_updated"
    case organizationConnectionDisabled = "organization.connection_disabled"
    case memberAdded = "organization.member_added"
    case memberRemoved = "organization.member_removed"
    case invitationCreated = "organization.invitation_created"
    case invitationRevoked = "organization.invitation_revoked"
    /// The subject (a user) accepted an invitation and became a member.
    case invitationAccepted = "organization.invitation_accepted"
    /// An invitation link that could not be used (unknown, expired, used, revoked, or sign-up closed);
    /// `reason` says which. Nothing changed.
    case invitationRefused = "organization.invitation_refused"
    case roleCreated = "role.created"
    case roleUpdated = "role.updated"
    case roleDeleted = "role.deleted"
    case rolePermissionsAdded = "role.permissions_added"
    case rolePermissionsRemoved = "role.permissions_removed"
    case roleAssigned = "role.assigned"
    case roleUnassigned = "role.unassigned"
    case permissionGranted = "permission.granted"
    case permissionRevoked = "permission.revoked"
    // Configuration
    /// A reload swapped in a new configuration; recorded for each tenant of the new snapshot.
    case configReloaded = "config.reloaded"
    // Webhooks
    /// An operator sent a webhook delivery again (`details`: webhook, delivery_id, event_id).
    case webhookDeliveryRetried = "webhook.delivery_retried"
}
