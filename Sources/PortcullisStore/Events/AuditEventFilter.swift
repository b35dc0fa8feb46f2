import Foundation

/// Which audit events to return: the management API's `/logs?q=` mapped to the stored columns.
public indirect enum AuditEventFilter: Sendable, Hashable {
    case all
    /// One of these stored types (`login.succeeded`…).
    case type([String])
    /// The party as stored (`user:usr_…`, `client:…`).
    case subject(String)
    case actor(String)
    case ip(String)
    /// A detail's value, e.g. `reason` = `wrong_password`, `grant_type` = `client_credentials`.
    case detail(String, String)
    /// When it happened; a missing end is open.
    case occurred(from: Date?, fromInclusive: Bool, to: Date?, toInclusive: Bool)
    case and([AuditEventFilter])
    case or([AuditEventFilter])
    case not(AuditEventFilter)
}

/// One page of audit events, with the number of matching events counted in the same snapshot.
public struct AuditEventPage: Sendable, Hashable {
    public var events: [AuditEvent]
    public var total: Int

    public init(events: [AuditEvent], total: Int) {
        self.events = events
        self.total = total
    }
}
