extension WebhookEventType {
    /// The `via` of a session ended by its own user: the logouts.
    static let logoutVias = ["hosted_logout", "rp_initiated_logout"]

    /// The stored events of webhook type `type` (the reverse of ``of(_:details:)``), for listing the
    /// event log by type; nil for a name that is not a webhook event type.
    public static func filter(for type: String) -> AuditEventFilter? {
        let logout = AuditEventFilter.or(logoutVias.map { .detail("via", $0) })
        switch type {
        case "user.logout":
            return .and([.type([DomainEventKind.sessionEnded.rawValue]), logout])
        case "session.revoked":
            return .or([.type([DomainEventKind.sessionsRevoked.rawValue]),
                        .and([.type([DomainEventKind.sessionEnded.rawValue]), .not(logout)])])
        default:
            guard all.contains(type),
                  let kind = DomainEventKind.allCases.first(where: { of($0.rawValue, details: [:]) == type })
            else { return nil }
            return .type([kind.rawValue])
        }
    }

    /// Every stored event webhooks can subscribe to.
    public static var anyFilter: AuditEventFilter {
        .or(all.compactMap(filter(for:)))
    }
}
