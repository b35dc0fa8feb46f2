import Foundation

/// A person who can log in to one tenant, through one connection.
///
/// The store keeps the record; deciding who may sign up, log in or see which field is the job of
/// the login and management layers.
public struct User: Sendable, Hashable {
    /// `usr_` followed by 24 random URL-safe characters (see ``makeID()``); unique per tenant.
    public var id: String
    /// The tenant the user belongs to. Users never cross tenants.
    public var tenantID: String
    /// The name of the connection (from configuration) the user logs in with, e.g. `"database"`.
    /// It is part of ``externalID``, so it never changes after creation.
    public var connection: String
    /// The address exactly as the user typed it; compared case-insensitively (see
    /// ``normalizedLoginName(_:)``), so `Ann@Example.com` and `ann@example.com` are the same account.
    public var email: String
    /// Whether the user proved they receive mail at ``email``.
    public var emailVerified: Bool
    /// An optional login name, unique per tenant and connection, compared case-insensitively.
    public var username: String?
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    /// URL of a profile picture.
    public var picture: String?
    /// A blocked user cannot log in, and their sessions stop working at once.
    public var blocked: Bool
    /// Text of a JSON object that only administrators and rules may change (Auth0's
    /// `app_metadata`). Kept as text because its shape belongs to each deployment.
    public var appMetadataJSON: String
    /// Text of a JSON object the user may change about themselves (Auth0's `user_metadata`).
    public var userMetadataJSON: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The last successful login, set by ``UserStore/recordLogin(tenantID:id:at:)``.
    public var lastLoginAt: Date?
    /// How many times the user logged in, counted by ``UserStore/recordLogin(tenantID:id:at:)``.
    public var loginCount: Int
    /// Incremented by the store on every ``UserStore/update(_:)``; an update carrying an older
    /// version is refused, so two admins editing the same user cannot silently undo each other.
    public var version: Int
    /// Set when this user is a linked identity of another (Auth0's account linking): the primary
    /// user's ``id``. Owned by ``UserStore/link(tenantID:secondaryID:to:at:events:)``; a linked
    /// identity logs in as its primary and is not listed on its own.
    public var linkedTo: String?

    /// Creates a user value; nothing is stored until it is passed to ``UserStore/create(_:)``.
    public init(
        id: String = User.makeID(),
        tenantID: String,
        connection: String,
        email: String,
        emailVerified: Bool = false,
        username: String? = nil,
        name: String? = nil,
        givenName: String? = nil,
        familyName: String? = nil,
        picture: String? = nil,
        blocked: Bool = false,
        appMetadataJSON: String = "{}",
        userMetadataJSON: String = "{}",
        createdAt: Date,
        updatedAt: Date? = nil,
        lastLoginAt: Date? = nil,
        loginCount: Int = 0,
        version: Int = 1,
        linkedTo: String? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.connection = connection
        self.email = email
        self.emailVerified = emailVerified
        self.username = username
        self.name = name
        self.givenName = givenName
        self.familyName = familyName
        self.picture = picture
        self.blocked = blocked
        self.appMetadataJSON = appMetadataJSON
        self.userMetadataJSON = userMetadataJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.lastLoginAt = lastLoginAt
        self.loginCount = loginCount
        self.version = version
        self.linkedTo = linkedTo
    }

    /// The Auth0-style `user_id`, `connection|id` (e.g. `database|usr_…`), which tokens and the
    /// management API show. Connection names from configuration never contain `|`.
    public var externalID: String {
        connection + "|" + id
    }

    /// Returns a new user ID: `usr_` and 24 characters of the URL-safe base64 alphabet.
    public static func makeID() -> String {
        RandomID.make(prefix: "usr_")
    }

    /// The form in which emails and usernames are compared for uniqueness and lookup.
    ///
    /// Canonical composition first, so an `é` typed as one code point or as `e` plus an accent is
    /// the same letter; then lowercasing, which Swift does without regard to the server's locale.
    /// Every store must use this function, so that a user found by one store is found by all.
    public static func normalizedLoginName(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping.lowercased()
    }
}
