import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// An audit event as Auth0 shows a log event: `log_id`, `date`, `type` (Auth0's code),
/// `description`, `ip`, `user_agent`, `client_id`/`client_name`, `user_id`/`user_name`,
/// `connection`, and the event's facts under `details`.
public enum LogRepresentation {
    public static let fields: Set<String> = [
        "log_id", "date", "type", "description", "ip", "user_agent", "client_id", "client_name", "user_id", "user_name",
        "connection", "details", "isMobile",
    ]

    /// - Parameter users: the users the events name, by the store's id, to show `connection|id` and
    ///   the email; a deleted user is shown by the bare id.
    public static func json(_ event: AuditEvent, tenant: Tenant, users: [String: User],
                            including include: (String) -> Bool = { _ in true }) -> JSONValue {
        let label = LogTypes.label(event)
        var object: [String: JSONValue] = [
            "log_id": .string(event.id), "date": .string(ManagementDates.format(event.occurredAt)),
            "type": .string(label.code), "description": .string(label.description), "isMobile": false,
        ]
        var details = event.details.mapValues(JSONValue.string)
        details["event"] = .string(event.type)
        if let actor = event.actor { details["actor"] = .string(actor) }
        if let subject = event.subject { details["subject"] = .string(subject) }
        if let requestID = event.requestID { details["request_id"] = .string(requestID) }
        object["details"] = .object(details)
        if let ip = event.ip { object["ip"] = .string(ip) }
        if let agent = event.userAgent { object["user_agent"] = .string(agent) }
        if let client = clientID(of: event) {
            object["client_id"] = .string(client)
            if let name = tenant.clients[client]?.config.name, !name.isEmpty { object["client_name"] = .string(name) }
        }
        if let userID = userID(of: event) {
            if let user = users[userID] {
                object["user_id"] = .string(user.externalID)
                object["user_name"] = .string(user.email)
            } else {
                object["user_id"] = .string(event.details["connection"].map { "\($0)|\(userID)" } ?? userID)
            }
        }
        if let connection = event.details["connection"] { object["connection"] = .string(connection) }
        return .object(object.filter { include($0.key) })
    }

    /// The user an event is about (or, failing that, who caused it).
    public static func userID(of event: AuditEvent) -> String? {
        for party in [event.subject, event.actor] {
            if let party, party.hasPrefix("user:") { return String(party.dropFirst("user:".count)) }
        }
        return nil
    }

    static func clientID(of event: AuditEvent) -> String? {
        if let client = event.details["client_id"] { return client }
        for party in [event.actor, event.subject] {
            if let party, party.hasPrefix("client:") { return String(party.dropFirst("client:".count)) }
        }
        return nil
    }
}
