import PortcullisStore

/// A user to create, as sign-up, the CLI and `POST /api/v2/users` describe it.
public struct NewUser: Sendable, Hashable {
    public enum Password: Sendable, Hashable {
        /// Checked against the connection's policy and hashed with its cost.
        case plain(String)
        /// An argon2id or bcrypt hash taken as it is (migrations from another system).
        case hash(String)
    }

    public var email: String
    /// The other fields; missing ones take ``UserField/defaultValue``.
    public var values: [UserField: UserFieldValue]
    public var password: Password?

    public init(email: String, values: [UserField: UserFieldValue] = [:], password: Password? = nil) {
        self.email = email
        self.values = values
        self.password = password
    }
}
