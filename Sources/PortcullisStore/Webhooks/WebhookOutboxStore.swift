import Foundation

/// The webhook outbox and its deliveries. Events enter the outbox in the transaction that writes
/// them (the store does this for every event ``WebhookEventType/of(_:details:)`` names), so a change
/// and its event are durable together; the delivery worker then fans them out and delivers.
public protocol WebhookOutboxStore: Sendable {
    /// Notified after a commit that put events in the outbox.
    var outboxSignal: OutboxSignal { get }

    /// The oldest entries, at most `limit` (1…1000).
    func outbox(limit: Int) async throws -> [OutboxEntry]
    /// In one transaction: creates `deliveries` (one already there for its webhook and event is
    /// kept as it is) and removes the outbox entries up to `sequence`.
    func fanOut(_ deliveries: [WebhookDelivery], through sequence: Int64) async throws

    /// Claims up to `limit` (1…1000) due pending deliveries until `leaseUntil`, so that another worker
    /// (another replica) does not take them too. A delivery is due when its time has come and no
    /// earlier pending delivery of the same subject to the same webhook is waiting: per subject,
    /// events arrive in order.
    func claimDueDeliveries(now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt (and ends the lease).
    func recordAttempt(_ attempt: DeliveryAttempt, deliveryID: String, tenantID: String, at: Date) async throws
    /// When the next claimable delivery is due (its time, or its lease's end), if any is pending;
    /// deliveries waiting behind an earlier one of their subject do not count.
    func nextDeliveryDue() async throws -> Date?
    func pendingDeliveryCount() async throws -> Int

    /// A webhook's deliveries, newest first; `status` nil for all.
    func deliveries(tenantID: String, webhook: String, status: WebhookDelivery.Status?, offset: Int,
                    limit: Int) async throws -> [WebhookDelivery]
    func deliveryCount(tenantID: String, webhook: String, status: WebhookDelivery.Status?) async throws -> Int
    func delivery(tenantID: String, id: String) async throws -> WebhookDelivery?
    /// Makes a delivery pending and due at `at` again (a dead one gets a fresh set of attempts).
    /// - Returns: the delivery as it is now, or nil if there is none with that id.
    func retryDelivery(tenantID: String, id: String, at: Date, events: [DomainEvent]) async throws -> WebhookDelivery?
    /// Removes delivered and dead deliveries created before `before` (retention).
    func deleteFinishedDeliveries(before: Date) async throws -> Int
}
