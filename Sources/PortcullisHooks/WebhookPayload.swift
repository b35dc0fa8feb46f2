import Foundation
import PortcullisCore
import PortcullisStore

/// The body of a webhook delivery (documented in docs/hooks.md):
///
/// ```json
/// {"id": "evt…", "type": "user.created", "tenant": "acme", "occurred_at": "2026-12-07T12:00:00.000Z",
///  "subject": {"type": "user", "id": "usr_…"}, "actor": {"type": "client", "id": "acme-admin"},
///  "data": {…the event's details…}, "request": {"ip": "…", "user_agent": "…", "request_id": "…"}}
/// ```
///
/// `id` is the stored event's id, the same on every attempt, for receivers to deduplicate by.
public enum WebhookPayload {
    public static func json(_ event: AuditEvent, type: String, tenant: String) -> String {
        String(decoding: value(event, type: type, tenant: tenant).compactData, as: UTF8.self)
    }

    /// The same payload as a value, for the management API's event log.
    public static func value(_ event: AuditEvent, type: String, tenant: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(event.id), "type": .string(type), "tenant": .string(tenant),
            "occurred_at": .string(timestamp(event.occurredAt)),
            "data": .object(event.details.mapValues(JSONValue.string)),
        ]
        if let subject = event.subject { object["subject"] = party(subject) }
        if let actor = event.actor { object["actor"] = party(actor) }
        var request: [String: JSONValue] = [:]
        if let ip = event.ip { request["ip"] = .string(ip) }
        if let agent = event.userAgent { request["user_agent"] = .string(agent) }
        if let id = event.requestID { request["request_id"] = .string(id) }
        if !request.isEmpty { object["request"] = .object(request) }
        return .object(object)
    }

    /// `user:usr_…` → `{"type": "user", "id": "usr_…"}`; `system` → `{"type": "system"}`.
    static func party(_ text: String) -> JSONValue {
        guard let colon = text.firstIndex(of: ":") else { return ["type": .string(text)] }
        return ["type": .string(String(text[..<colon])), "id": .string(String(text[text.index(after: colon)...]))]
    }

    /// ISO 8601 with milliseconds, UTC.
    static func timestamp(_ date: Date) -> String { UTCTimestamp.format(date) }
}
