import Foundation
import PortcullisCore
import PortcullisStore

/// A user as the management API shows it, in Auth0's shape: `user_id` is `connection|id`, the
/// `identities` array names the connection, dates are ISO 8601 with milliseconds.
public enum UserRepresentation {
    /// Every top-level key of the representation; `fields` may select among them.
    public static let fields: Set<String> = [
        "user_id", "email", "email_verified", "username", "name", "given_name", "family_name", "picture", "blocked",
        "app_metadata", "user_metadata", "identities", "created_at", "updated_at", "last_login", "logins_count",
    ]

    /// The user's JSON with the fields `include` admits; `linked` are the identities linked into it,
    /// listed after its own with their `profileData`, as Auth0 lists them.
    public static func json(_ user: User, linked: [User] = [], including include: (String) -> Bool = { _ in true }) -> JSONValue {
        var object: [String: JSONValue] = [
            "user_id": .string(user.externalID),
            "email": .string(user.email),
            "email_verified": .bool(user.emailVerified),
            "blocked": .bool(user.blocked),
            "app_metadata": metadata(user.appMetadataJSON),
            "user_metadata": metadata(user.userMetadataJSON),
            "identities": .array([identity(user)] + linked.map { identity($0, profile: true) }),
            "created_at": .string(ManagementDates.format(user.createdAt)),
            "updated_at": .string(ManagementDates.format(user.updatedAt)),
            "logins_count": .int(user.loginCount),
        ]
        // Optional fields are left out when empty, as Auth0 leaves them out.
        for (key, value) in [("username", user.username), ("name", user.name), ("given_name", user.givenName),
                             ("family_name", user.familyName), ("picture", user.picture)] {
            if let value { object[key] = .string(value) }
        }
        if let lastLogin = user.lastLoginAt { object["last_login"] = .string(ManagementDates.format(lastLogin)) }
        return .object(object.filter { include($0.key) })
    }

    /// One entry of `identities`: the user's own, or a linked one with its profile.
    public static func identity(_ user: User, profile: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "connection": .string(user.connection), "user_id": .string(user.id), "provider": "auth0", "isSocial": false,
        ]
        if profile {
            var data: [String: JSONValue] = ["email": .string(user.email), "email_verified": .bool(user.emailVerified)]
            for (key, value) in [("username", user.username), ("name", user.name), ("given_name", user.givenName),
                                 ("family_name", user.familyName), ("picture", user.picture)] {
                if let value { data[key] = .string(value) }
            }
            object["profileData"] = .object(data)
        }
        return .object(object)
    }

    /// Stored metadata text as JSON; the store only keeps objects, so anything else reads as `{}`.
    static func metadata(_ text: String) -> JSONValue {
        // Most users have none: skip the decoder.
        if text == "{}" { return .object([:]) }
        return (try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))).map(JSONValue.object) ?? [:]
    }
}
