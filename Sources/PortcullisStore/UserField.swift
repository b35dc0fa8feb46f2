/// The fields of a user that callers write — sign-up, the import file, the management API's bodies
/// — by their wire names, which are Auth0's. The one list: the import parser, the export, and the
/// API's request bodies and `fields` selection all go through it, so a new field is added here once.
///
/// `email` is the login identifier and always required where a user is created; the others are
/// optional on input.
public enum UserField: String, CaseIterable, Sendable, Hashable {
    case email
    case emailVerified = "email_verified"
    case username
    case name
    case givenName = "given_name"
    case familyName = "family_name"
    case picture
    case blocked
    case appMetadata = "app_metadata"
    case userMetadata = "user_metadata"

    /// The shape of the field's value.
    public enum Kind: Sendable {
        /// Optional text; empty text means none.
        case text
        case flag
        /// A JSON object, kept as its text.
        case object
    }

    public var kind: Kind {
        switch self {
        case .email, .username, .name, .givenName, .familyName, .picture: .text
        case .emailVerified, .blocked: .flag
        case .appMetadata, .userMetadata: .object
        }
    }

    /// The value a field takes when input leaves it out.
    public var defaultValue: UserFieldValue {
        switch kind {
        case .text: .text(nil)
        case .flag: .flag(false)
        case .object: .object("{}")
        }
    }
}

/// A value of a ``UserField``.
public enum UserFieldValue: Sendable, Hashable {
    case text(String?)
    case flag(Bool)
    /// The text of a JSON object.
    case object(String)
}

extension User {
    /// The value of `field`; setting a value of the wrong kind is a programming error and ignored.
    public subscript(field: UserField) -> UserFieldValue {
        get {
            switch field {
            case .email: .text(email)
            case .emailVerified: .flag(emailVerified)
            case .username: .text(username)
            case .name: .text(name)
            case .givenName: .text(givenName)
            case .familyName: .text(familyName)
            case .picture: .text(picture)
            case .blocked: .flag(blocked)
            case .appMetadata: .object(appMetadataJSON)
            case .userMetadata: .object(userMetadataJSON)
            }
        }
        set {
            switch (field, newValue) {
            case (.email, .text(let value?)): email = value
            case (.username, .text(let value)): username = value
            case (.name, .text(let value)): name = value
            case (.givenName, .text(let value)): givenName = value
            case (.familyName, .text(let value)): familyName = value
            case (.picture, .text(let value)): picture = value
            case (.emailVerified, .flag(let value)): emailVerified = value
            case (.blocked, .flag(let value)): blocked = value
            case (.appMetadata, .object(let json)): appMetadataJSON = json
            case (.userMetadata, .object(let json)): userMetadataJSON = json
            default: assertionFailure("\(newValue) is not a value of \(field)")
            }
        }
    }
}
