import Foundation

/// Something a flow or a command did, as it describes it: what happened, to whom, by whom, from
/// which request.
///
/// Flows hand events to the store together with the change they describe (every mutating store
/// operation takes `events:`), and the store writes both in one transaction: a change that fails
/// leaves no event, an event never describes a change that did not happen. Events that describe no
/// stored change (a failed login of an unknown account, a client-credentials token) go through
/// ``EventRecorder``.
public struct DomainEvent: Sendable, Hashable {
    public var id: String
    public var kind: DomainEventKind
    /// The tenant; `nil` for instance-wide events.
    public var tenantID: String?
    /// Whom the event is about (the user who logged in, the organization created…).
    public var subject: EventParty?
    /// Who caused it: the user themself, a client, an operator, the system.
    public var actor: EventParty?
    public var request: EventRequestContext?
    public var occurredAt: Date
    /// Extra facts (client ID, connection, reason…). Never secrets: events are shown to admins.
    public var details: [String: String]

    public init(_ kind: DomainEventKind, tenantID: String?, subject: EventParty? = nil, actor: EventParty? = nil,
                request: EventRequestContext? = nil, at occurredAt: Date = Date(), details: [String: String] = [:]) {
        self.id = AuditEvent.makeID()
        self.kind = kind
        self.tenantID = tenantID
        self.subject = subject
        self.actor = actor
        self.request = request
        self.occurredAt = occurredAt
        self.details = details
    }
}

extension AuditEvent {
    /// The stored form of a domain event: the one mapping every store uses.
    public init(_ event: DomainEvent) {
        self.init(id: event.id, tenantID: event.tenantID, type: event.kind.rawValue, occurredAt: event.occurredAt,
                  actor: event.actor?.text, details: event.details, subject: event.subject?.text,
                  ip: event.request?.ip, userAgent: event.request?.userAgent, requestID: event.request?.requestID)
    }
}
