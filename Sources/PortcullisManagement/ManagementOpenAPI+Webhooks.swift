import PortcullisCore
import PortcullisStore

extension ManagementOpenAPI {
    /// `/events` and `/webhooks/{name}/deliveries…`.
    static var webhookPaths: [String: JSONValue] {
        let name = path("name", "The webhook's name in the configuration")
        return [
            "/events": [
                "get": operation("The events webhooks can subscribe to, newest first, in the webhook payload's shape",
                                 scope: "read:events",
                                 parameters: pageParameters + [query("type", "Comma-separated event types: " + WebhookEventType.all.joined(separator: ", "))],
                                 ok: ["anyOf": [arrayOf("Event"), ref("EventPage")]]),
            ],
            "/webhooks/{name}/deliveries": [
                "get": operation("A webhook's deliveries, newest first", scope: "read:webhooks",
                                 parameters: [name] + pageParameters + [
                                     query("status", "pending, delivered or dead",
                                           schema: ["type": "string", "enum": ["pending", "delivered", "dead"]]),
                                 ],
                                 ok: ["anyOf": [arrayOf("WebhookDelivery"), ref("WebhookDeliveryPage")]],
                                 errors: ["400", "401", "403", "404"]),
            ],
            "/webhooks/{name}/deliveries/{id}/retry": [
                "post": operation("Send a delivery again now (a dead one with fresh attempts)", scope: "update:webhooks",
                                  parameters: [name, path("id", "The delivery's id (whd_…)")], ok: ref("WebhookDelivery"),
                                  status: "202", errors: ["401", "403", "404"]),
            ],
        ]
    }
}

extension ManagementOpenAPI.Schemas {
    static let webhooks: [String: JSONValue] = [
        "Event": object([
            "id": string, "type": string, "tenant": string, "occurred_at": dateTime,
            "subject": object(["type": string, "id": string]), "actor": object(["type": string, "id": string]),
            "data": ["type": "object", "additionalProperties": string],
            "request": object(["ip": string, "user_agent": string, "request_id": string]),
        ], required: ["id", "type", "tenant", "occurred_at", "data"]),
        "EventPage": page("events", "Event"),
        "WebhookDelivery": object([
            "id": string, "webhook": string, "event_id": string, "event_type": string,
            "status": ["type": "string", "enum": ["pending", "delivered", "dead"]], "attempts": ["type": "integer"],
            "created_at": dateTime, "next_attempt_at": dateTime, "delivered_at": dateTime,
            "last_status": ["type": "integer"], "last_error": string,
        ], required: ["id", "webhook", "event_id", "event_type", "status", "attempts", "created_at"]),
        "WebhookDeliveryPage": page("deliveries", "WebhookDelivery"),
    ]
}
