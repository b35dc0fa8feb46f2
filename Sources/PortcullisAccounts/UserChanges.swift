import PortcullisCore
import PortcullisStore

/// What `PATCH /api/v2/users/{id}` (or another editor) changes on a user: fields to set, metadata
/// to merge (Auth0's rules: top-level keys replaced, a `null` value deletes the key), a new password.
public struct UserChanges: Sendable, Hashable {
    /// Text and flag fields to set; `.text(nil)` clears an optional field.
    public var values: [UserField: UserFieldValue]
    public var appMetadata: [String: JSONValue]?
    public var userMetadata: [String: JSONValue]?
    public var password: String?

    public init(values: [UserField: UserFieldValue] = [:], appMetadata: [String: JSONValue]? = nil,
                userMetadata: [String: JSONValue]? = nil, password: String? = nil) {
        self.values = values
        self.appMetadata = appMetadata
        self.userMetadata = userMetadata
        self.password = password
    }

    public var isEmpty: Bool { values.isEmpty && appMetadata == nil && userMetadata == nil && password == nil }
}
