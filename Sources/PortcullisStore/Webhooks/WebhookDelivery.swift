import Foundation

/// One event on its way to one webhook: created when the outbox is fanned out, then attempted
/// until it is delivered or has used its attempts (dead). The payload is fixed at creation, so
/// every attempt sends the same body (only the signature's timestamp changes).
public struct WebhookDelivery: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pending, delivered, dead
    }

    /// `whd_` followed by 24 random URL-safe characters.
    public var id: String
    /// The outbox position of the event: deliveries of one subject to one webhook go in this order.
    public var sequence: Int64
    public var tenantID: String
    public var webhook: String
    /// The audit event's id: the `id` receivers deduplicate by.
    public var eventID: String
    /// The webhook event type (`user.created`, …).
    public var eventType: String
    /// The stored subject (`user:usr_…`), or nil for events without one.
    public var subject: String?
    public var payloadJSON: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    /// The HTTP status of the last attempt, if one was received.
    public var lastStatus: Int?
    /// Why the last attempt failed (a short text, never a secret).
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(id: String = WebhookDelivery.makeID(), sequence: Int64, tenantID: String, webhook: String, eventID: String,
                eventType: String, subject: String?, payloadJSON: String, status: Status = .pending, attempts: Int = 0,
                nextAttemptAt: Date, lastStatus: Int? = nil, lastError: String? = nil, createdAt: Date,
                deliveredAt: Date? = nil) {
        self.id = id
        self.sequence = sequence
        self.tenantID = tenantID
        self.webhook = webhook
        self.eventID = eventID
        self.eventType = eventType
        self.subject = subject
        self.payloadJSON = payloadJSON
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }

    public static func makeID() -> String { RandomID.make(prefix: "whd_") }
}

/// An event the outbox holds until the delivery worker fans it out to the webhooks that want it.
public struct OutboxEntry: Sendable, Hashable {
    /// Its position: increasing, never reused.
    public var sequence: Int64
    public var tenantID: String
    /// The webhook event type.
    public var eventType: String
    /// The audit event; nil if retention deleted it before it was fanned out.
    public var event: AuditEvent?

    public init(sequence: Int64, tenantID: String, eventType: String, event: AuditEvent?) {
        self.sequence = sequence
        self.tenantID = tenantID
        self.eventType = eventType
        self.event = event
    }
}

/// What one delivery attempt came to.
public enum DeliveryAttempt: Sendable, Hashable {
    /// The receiver answered 2xx.
    case delivered(status: Int)
    /// It did not; try again at `retryAt`, or never (`nil`: the delivery is dead).
    case failed(status: Int?, error: String, retryAt: Date?)
}
