import PortcullisStore

/// Auth0's log event type codes for the events Portcullis records. One table read both ways: to
/// label a stored event (the first rule that matches) and to turn `type:fp` in a query into a
/// filter (the events that rule, and no earlier one, labels), so the two never disagree.
public enum LogTypes {
    struct Rule: Sendable {
        let code: String
        let description: String
        let kind: DomainEventKind
        /// A detail the event must have for this rule (`reason`, `via`, `grant_type`).
        let detail: (key: String, value: String)?

        init(_ code: String, _ description: String, _ kind: DomainEventKind, _ detail: (String, String)? = nil) {
            self.code = code
            self.description = description
            self.kind = kind
            self.detail = detail.map { (key: $0.0, value: $0.1) }
        }
    }

    static let rules: [Rule] = [
        Rule("s", "Success Login", .loginSucceeded),
        Rule("fp", "Wrong password", .loginFailed, ("reason", "wrong_password")),
        Rule("fu", "Invalid email or username", .loginFailed, ("reason", "unknown_account")),
        Rule("f", "Failed Login", .loginFailed),
        Rule("limit_wc", "Blocked Account: too many failed logins", .accountLocked),
        Rule("ublkdu", "User login block released", .accountUnlocked),
        Rule("ss", "Success Signup", .userCreated, ("via", "signup")),
        Rule("sapi", "Create a User", .userCreated),
        Rule("sapi", "Update a User", .userUpdated),
        Rule("sapi", "Block a User", .userBlocked),
        Rule("sapi", "Unblock a User", .userUnblocked),
        Rule("du", "Deleted User", .userDeleted),
        Rule("fv", "Failed Verification Email", .emailVerificationFailed),
        Rule("sapi", "Link a User Account", .identityLinked),
        Rule("sapi", "Unlink a User Account", .identityUnlinked),
        Rule("scp", "Success Change Password", .passwordChanged),
        Rule("sv", "Success Verification Email", .emailVerified),
        Rule("slo", "Success Logout", .sessionEnded),
        Rule("slo", "All sessions ended", .sessionsRevoked),
        Rule("seacft", "Authorization Code for Access Token", .tokenIssued, ("grant_type", "authorization_code")),
        Rule("sertft", "Refresh Token for Access Token", .tokenIssued, ("grant_type", "refresh_token")),
        Rule("seccft", "Client Credentials for Access Token", .tokenIssued, ("grant_type", "client_credentials")),
        Rule("sapi", "Token issued", .tokenIssued),
        Rule("ferrt", "Reused rotating refresh token: the family was revoked", .refreshTokenReused),
        Rule("srrt", "Successfully revoked a refresh token", .grantRevoked),
        Rule("sapi", "Create an Organization", .organizationCreated),
        Rule("sapi", "Update an Organization", .organizationUpdated),
        Rule("sapi", "Delete an Organization", .organizationDeleted),
        Rule("sapi", "Enable a connection for an Organization", .organizationConnectionEnabled),
        Rule("sapi", "Update an Organization's connection", .organizationConnectionUpdated),
        Rule("sapi", "Disable a connection for an Organization", .organizationConnectionDisabled),
        Rule("sapi", "Add an Organization member", .memberAdded),
        Rule("sapi", "Remove an Organization member", .memberRemoved),
        Rule("sapi", "Create an Organization invitation", .invitationCreated),
        Rule("sapi", "Delete an Organization invitation", .invitationRevoked),
        Rule("ss", "Accepted an Organization invitation", .invitationAccepted),
        Rule("fi", "Failed to accept an Organization invitation", .invitationRefused),
        Rule("sapi", "Create a Role", .roleCreated),
        Rule("sapi", "Update a Role", .roleUpdated),
        Rule("sapi", "Delete a Role", .roleDeleted),
        Rule("sapi", "Add permissions to a Role", .rolePermissionsAdded),
        Rule("sapi", "Remove permissions from a Role", .rolePermissionsRemoved),
        Rule("sapi", "Assign a Role", .roleAssigned),
        Rule("sapi", "Unassign a Role", .roleUnassigned),
        Rule("sapi", "Grant a Permission", .permissionGranted),
        Rule("sapi", "Revoke a Permission", .permissionRevoked),
        Rule("sapi", "Retry a webhook delivery", .webhookDeliveryRetried),
    ]

    /// Every code the table uses, for the OpenAPI document and the query check.
    public static var codes: [String] { Array(Set(rules.map(\.code))).sorted() }

    /// The code and description of a stored event. Types no rule names (instance events such as a
    /// configuration reload) are `w` (warning), as Auth0 labels its own operational events.
    public static func label(_ event: AuditEvent) -> (code: String, description: String) {
        for rule in rules where rule.kind.rawValue == event.type {
            if let detail = rule.detail, event.details[detail.key] != detail.value { continue }
            return (rule.code, rule.description)
        }
        return ("w", event.type)
    }

    /// The events labelled `code`, or `nil` for a code the table does not use.
    public static func filter(code: String) -> AuditEventFilter? {
        var alternatives: [AuditEventFilter] = []
        for (index, rule) in rules.enumerated() where rule.code == code {
            var conditions: [AuditEventFilter] = [.type([rule.kind.rawValue])]
            if let detail = rule.detail { conditions.append(.detail(detail.key, detail.value)) }
            // Not labelled by an earlier, more specific rule of the same type.
            for earlier in rules[..<index] where earlier.kind == rule.kind && earlier.code != code {
                if let detail = earlier.detail { conditions.append(.not(.detail(detail.key, detail.value))) }
            }
            alternatives.append(conditions.count == 1 ? conditions[0] : .and(conditions))
        }
        if alternatives.isEmpty { return nil }
        return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
    }
}
