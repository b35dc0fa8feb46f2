/// A blocking call to an HTTP endpoint at a point of a flow (an "Action" in Auth0 terms).
public struct HookConfig: ConfigObject, Hashable {
    public static let definitionName = "Hook"
    public static let summary = "A blocking HTTP hook, signed with HMAC-SHA256."

    public enum Trigger: String, ConfigEnum, Sendable {
        case postLogin = "post_login", credentialsExchange = "credentials_exchange",
             preUserRegistration = "pre_user_registration", postUserRegistration = "post_user_registration",
             preUserUpdate = "pre_user_update", preUserDeletion = "pre_user_deletion", postUserDeletion = "post_user_deletion"
    }
    public enum FailureMode: String, ConfigEnum, ConfigDefault, Sendable {
        /// The flow fails (fail closed).
        case deny
        /// The flow continues without the hook's changes (fail open).
        case `continue`
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var name: Identifier
    public var trigger: Trigger
    public var url: Located<AbsoluteURL>?
    public var secret: Located<String>?
    public var timeout: Duration
    public var onFailure: FailureMode
    public var enabled: Bool
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "Hook name, unique within the tenant.") ?? ""
        trigger = r.required("trigger", "When the hook runs.") ?? .postLogin
        url = r.required("url", "Endpoint that receives a signed JSON POST.")
        secret = r.required("secret", "Secrets-file key of the HMAC key that signs requests.")
        timeout = r.value("timeout", default: .seconds(2), "Time allowed for the response.")
        onFailure = r.value("on_failure", default: .deny, "deny fails the flow when the hook fails; continue ignores the failure.")
        enabled = r.value("enabled", default: true, "Disabled hooks are not called.")
        source = r.source
        if !r.isDescribing, timeout < .milliseconds(50) || timeout > .seconds(30) {
            r.report("timeout", "must be between 50ms and 30s")
        }
    }
}

/// Asynchronous delivery of events to an HTTP endpoint, with retries from an outbox.
public struct WebhookConfig: ConfigObject, Hashable {
    public static let definitionName = "Webhook"
    public static let summary = "An event subscription delivered by HTTP POST with retries."

    /// The same list as `WebhookEventType.all` in the store (which Core cannot import); a test
    /// keeps them equal.
    public static let eventTypes = [
        "user.created", "user.updated", "user.deleted", "user.blocked", "user.unblocked", "user.login",
        "user.login_failed", "user.logout", "user.password_changed", "user.email_verified",
        "user.verification.failed", "session.revoked", "token.issued", "organization.member.added",
        "organization.member.removed", "organization.invitation.accepted", "role.assigned", "role.unassigned",
        "config.reloaded",
    ]

    public var name: Identifier
    public var url: Located<AbsoluteURL>?
    public var secret: Located<String>?
    public var events: [Located<String>]
    public var maxAttempts: Int
    public var timeout: Duration
    public var enabled: Bool
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "Webhook name, unique within the tenant.") ?? ""
        url = r.required("url", "Endpoint that receives the events.")
        secret = r.required("secret", "Secrets-file key of the HMAC key that signs deliveries.")
        events = r.list("events", "Event types to deliver: \(WebhookConfig.eventTypes.joined(separator: ", ")).")
        maxAttempts = r.integer("max_attempts", default: 8, in: 1...50, "Deliveries are retried with backoff up to this many attempts.")
        timeout = r.value("timeout", default: .seconds(5), "Time allowed for each delivery.")
        enabled = r.value("enabled", default: true, "Disabled webhooks queue nothing.")
        source = r.source
        guard !r.isDescribing else { return }
        for event in events where !WebhookConfig.eventTypes.contains(event.value) {
            var message = "unknown event type \"\(event.value)\""
            if let near = Suggestion.closest(to: event.value, among: WebhookConfig.eventTypes) {
                message += "; did you mean \"\(near)\"?"
            }
            r.context.report(event.location, message)
        }
        if r.has("events"), events.isEmpty { r.report("events", "must name at least one event type") }
    }
}
