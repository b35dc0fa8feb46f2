import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// The parts of a hook's payload (docs/hooks.md), the same shapes for every trigger.
public enum HookPayload {
    /// The user as the management API shows it (Auth0's names), metadata included.
    public static func user(_ user: User) -> JSONValue {
        var object: [String: JSONValue] = [
            "user_id": .string(user.externalID), "id": .string(user.id), "connection": .string(user.connection),
            "email": .string(user.email), "email_verified": .bool(user.emailVerified), "blocked": .bool(user.blocked),
            "app_metadata": metadata(user.appMetadataJSON), "user_metadata": metadata(user.userMetadataJSON),
            "created_at": .string(WebhookPayload.timestamp(user.createdAt)), "logins_count": .int(user.loginCount),
        ]
        for (key, value) in [("username", user.username), ("name", user.name), ("given_name", user.givenName),
                             ("family_name", user.familyName), ("picture", user.picture)] {
            if let value { object[key] = .string(value) }
        }
        if let last = user.lastLoginAt { object["last_login"] = .string(WebhookPayload.timestamp(last)) }
        return .object(object)
    }

    public static func tenant(_ tenant: Tenant) -> JSONValue {
        ["id": .string(tenant.id), "issuer": .string(tenant.issuer.text)]
    }

    public static func client(_ id: String, in tenant: Tenant) -> JSONValue {
        var object: [String: JSONValue] = ["client_id": .string(id)]
        if let client = tenant.clients[id] { object["name"] = .string(client.config.name) }
        return .object(object)
    }

    public static func request(_ request: EventRequestContext?) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let ip = request?.ip { object["ip"] = .string(ip) }
        if let agent = request?.userAgent { object["user_agent"] = .string(agent) }
        if let id = request?.requestID { object["request_id"] = .string(id) }
        return .object(object)
    }

    public static func metadata(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .object([:])
    }

    /// A hook's metadata changes applied to stored metadata text: top-level keys replace, `null`
    /// removes, as the management API's merge does.
    public static func merge(_ changes: [String: JSONValue], into text: String) -> String {
        guard !changes.isEmpty, case .object(var object) = metadata(text) else { return text }
        for (key, value) in changes { object[key] = value == .null ? nil : value }
        return String(decoding: JSONValue.object(object).compactData, as: UTF8.self)
    }

    /// Custom claims must be namespaced (`https://acme.test/plan`, `urn:acme:plan`): a name
    /// without `/` or `:` could shadow a claim the specifications or Portcullis define now or
    /// later. Returns the accepted claims and the names refused.
    public static func namespaced(_ claims: [String: JSONValue]) -> (accepted: [String: JSONValue], refused: [String]) {
        var accepted: [String: JSONValue] = [:]
        var refused: [String] = []
        for (name, value) in claims {
            if name.contains("/") || name.contains(":"), name.utf8.count <= 256 { accepted[name] = value } else { refused.append(name) }
        }
        return (accepted, refused.sorted())
    }
}
