import Foundation

/// Which users to return: the management API's `q` (Auth0's Lucene subset) parsed into a tree
/// that every store translates to its own query language. Parsing lives with the API; the store
/// only evaluates.
public indirect enum UserQuery: Sendable, Hashable {
    /// Every user of the tenant.
    case all
    /// The field's value matches the pattern.
    case match(UserQueryField, UserQueryPattern)
    /// The field's value lies in the range (dates and counts); a missing bound is open.
    case range(UserQueryField, lower: UserQueryBound?, upper: UserQueryBound?)
    /// The field has a value (Lucene's `_exists_:field`).
    case exists(UserQueryField)
    case and([UserQuery])
    case or([UserQuery])
    case not(UserQuery)
}

/// A field users can be searched by, with Auth0's names.
public enum UserQueryField: Sendable, Hashable {
    /// `user_id`: `connection|id` or the bare id.
    case userID
    case email
    /// `email.domain`: the part after the `@`.
    case emailDomain
    case emailVerified
    case username
    case name
    case givenName
    case familyName
    case picture
    case blocked
    /// `identities.connection`: the connection the user logs in with.
    case connection
    case loginsCount
    case createdAt
    case updatedAt
    case lastLogin
    /// `app_metadata.a.b`: the value at a path of object keys.
    case appMetadata([String])
    case userMetadata([String])

    /// Normalized fields compare case-insensitively, as Auth0's do; all others exactly.
    public var ignoresCase: Bool {
        switch self {
        case .email, .emailDomain, .name, .givenName, .familyName, .username: true
        default: false
        }
    }

    /// Fields that hold a time (ranges take dates) or a count (ranges take integers).
    public var isTime: Bool {
        switch self {
        case .createdAt, .updatedAt, .lastLogin: true
        default: false
        }
    }
}

/// How a value is compared.
public enum UserQueryPattern: Sendable, Hashable {
    case exact(String)
    /// `jo*`
    case prefix(String)
    /// `*@acme.test`
    case suffix(String)
    /// `*oh*`
    case contains(String)
}

/// One end of a range.
public struct UserQueryBound: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case time(Date)
        case count(Int)
    }

    public var value: Value
    /// `[` and `]` include the bound; `{` and `}` exclude it.
    public var inclusive: Bool

    public init(_ value: Value, inclusive: Bool) {
        self.value = value
        self.inclusive = inclusive
    }
}

/// The order of a user search: one field, then `id` so that pages never overlap.
public struct UserSort: Sendable, Hashable {
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastLogin = "last_login"
        case email
        case name
        case loginsCount = "logins_count"
    }

    public var field: Field
    public var ascending: Bool

    public init(_ field: Field = .createdAt, ascending: Bool = true) {
        self.field = field
        self.ascending = ascending
    }

    /// Oldest first: the order of ``UserStore/users(tenantID:page:perPage:)``.
    public static let oldestFirst = UserSort()
}
