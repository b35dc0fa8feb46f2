import Foundation

/// Who is behind a resolve request: a session's user, or the user of a Bearer access token.
public struct ForwardAuthIdentity: Sendable, Hashable {
    /// The user ID as tokens show it (`connection|usr_…`).
    public var userID: String
    public var email: String?
    public var emailVerified: Bool
    public var name: String?
    /// Role names in effect, sorted.
    public var roles: [String]
    /// The organization the subject acts in; sessions have none yet, Bearer tokens carry `org_id`.
    public var organizationID: String?
    /// How the user proved who they are (`pwd`, `otp`, `mfa`, …).
    public var amr: [String]
    public var authenticatedAt: Date?

    public init(userID: String, email: String? = nil, emailVerified: Bool = false, name: String? = nil,
                roles: [String] = [], organizationID: String? = nil, amr: [String] = [], authenticatedAt: Date? = nil) {
        self.userID = userID
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.roles = roles
        self.organizationID = organizationID
        self.amr = amr
        self.authenticatedAt = authenticatedAt
    }

    /// Authentication method references (RFC 8176) that are a factor besides the password.
    static let secondFactors: Set<String> = ["mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "sc"]

    /// Whether the login used a second factor: an `amr` that names one (RFC 8176).
    public var hasSecondFactor: Bool {
        amr.contains { Self.secondFactors.contains($0) }
    }
}
