import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisHooks
import PortcullisStore

/// `/api/v2/events` (the events webhooks can subscribe to, in the webhook payload's shape) and
/// `/api/v2/webhooks/{name}/deliveries` (each event's delivery to a configured webhook, with retry).
/// Auth0 has neither; the shapes follow the webhook payload and Auth0's paging.
public struct ManagementWebhooks: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    /// `GET /events`: newest first, by page, optionally of some types (`type=user.created,user.deleted`).
    public func events(_ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:events")
        try query.requireOnly(["page", "per_page", "include_totals", "type"])
        let list = try ListParameters(query, knownFields: [])
        var filter = WebhookEventType.anyFilter
        if let types = query["type"], !types.isEmpty {
            var wanted: [AuditEventFilter] = []
            for type in types.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let one = WebhookEventType.filter(for: type) else {
                    throw ManagementError.invalidQuery("type: unknown event type \"\(type.prefix(64))\"")
                }
                wanted.append(one)
            }
            filter = .or(wanted)
        }
        let page = try await storage.events(tenantID: tenant.id, matching: filter, oldestFirst: false, page: list.page,
                                            perPage: list.perPage)
        let items = page.events.compactMap { event -> JSONValue? in
            guard let type = WebhookEventType.of(event.type, details: event.details) else { return nil }
            return WebhookPayload.value(event, type: type, tenant: tenant.id)
        }
        return await ListAnswer.page(items, list, key: "events") { page.total }
    }

    /// `GET /webhooks/{name}/deliveries`: newest first, by page, optionally by `status`.
    public func deliveries(_ name: String, _ query: QueryParameters, tenant: Tenant,
                           caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:webhooks")
        try query.requireOnly(["page", "per_page", "include_totals", "status"])
        try requireWebhook(name, tenant: tenant)
        let list = try ListParameters(query, knownFields: [])
        var status: WebhookDelivery.Status?
        if let text = query["status"], !text.isEmpty {
            guard let known = WebhookDelivery.Status(rawValue: text) else {
                throw ManagementError.invalidQuery("status must be pending, delivered or dead")
            }
            status = known
        }
        let found = try await storage.deliveries(tenantID: tenant.id, webhook: name, status: status,
                                                 offset: list.page * list.perPage, limit: list.perPage)
        return try await ListAnswer.page(found.map(Self.json), list, key: "deliveries") {
            try await storage.deliveryCount(tenantID: tenant.id, webhook: name, status: status)
        }
    }

    /// `POST /webhooks/{name}/deliveries/{id}/retry`: 202 with the delivery, due now (a dead one
    /// gets its attempts afresh).
    public func retry(_ name: String, deliveryID: String, tenant: Tenant, caller: ManagementCaller,
                      request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:webhooks")
        try requireWebhook(name, tenant: tenant)
        guard let existing = try await storage.delivery(tenantID: tenant.id, id: deliveryID), existing.webhook == name else {
            throw ManagementError(404, "The delivery does not exist.", errorCode: "inexistent_delivery")
        }
        let event = DomainEvent(.webhookDeliveryRetried, tenantID: tenant.id, actor: caller.actor, request: request,
                                details: ["webhook": name, "delivery_id": deliveryID, "event_id": existing.eventID])
        guard let retried = try await storage.retryDelivery(tenantID: tenant.id, id: deliveryID, at: Date(), events: [event]) else {
            throw ManagementError(404, "The delivery does not exist.", errorCode: "inexistent_delivery")
        }
        return ManagementResponse(status: 202, Self.json(retried))
    }

    private func requireWebhook(_ name: String, tenant: Tenant) throws(ManagementError) {
        guard tenant.config.webhooks.contains(where: { $0.name.value == name }) else {
            throw ManagementError(404, "No webhook \(name.prefix(64)) in this tenant's configuration.", errorCode: "inexistent_webhook")
        }
    }

    static func json(_ delivery: WebhookDelivery) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(delivery.id), "webhook": .string(delivery.webhook), "event_id": .string(delivery.eventID),
            "event_type": .string(delivery.eventType), "status": .string(delivery.status.rawValue),
            "attempts": .int(delivery.attempts), "created_at": .string(ManagementDates.format(delivery.createdAt)),
        ]
        if delivery.status == .pending { object["next_attempt_at"] = .string(ManagementDates.format(delivery.nextAttemptAt)) }
        if let status = delivery.lastStatus { object["last_status"] = .int(status) }
        if let error = delivery.lastError { object["last_error"] = .string(error) }
        if let delivered = delivery.deliveredAt { object["delivered_at"] = .string(ManagementDates.format(delivered)) }
        return .object(object)
    }
}
