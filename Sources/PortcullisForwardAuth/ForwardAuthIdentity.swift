import Foundation

/// Who is behind a resolve request: a session's user, or the user of a Bearer access token.
///
/// Immutable and shared by reference: one instance lives in the session cache and answers every
/// resolve of that session, so its header values are rendered once, here, rather than per request.
public final class ForwardAuthIdentity: Sendable, Hashable {
    /// The user ID as tokens show it (`connection|usr_…`).
    public let userID: String
    public let email: String?
    public let emailVerified: Bool
    public let name: String?
    /// Role names in effect, sorted.
    public let roles: [String]
    /// The organization the subject acts in; sessions have none yet, Bearer tokens carry `org_id`.
    public let organizationID: String?
    /// How the user proved who they are (`pwd`, `otp`, `mfa`, …).
    public let amr: [String]
    public let authenticatedAt: Date?
    /// The identity headers' values, see ``IdentityHeader/values(for:)``.
    public let headerValues: [(header: IdentityHeader, value: String)]

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
        self.headerValues = IdentityHeader.values(userID: userID, email: email, emailVerified: emailVerified, name: name,
                                                  roles: roles, organizationID: organizationID, amr: amr,
                                                  authenticatedAt: authenticatedAt)
    }

    /// A copy with other roles (the rest unchanged).
    public func with(roles: [String]) -> ForwardAuthIdentity {
        ForwardAuthIdentity(userID: userID, email: email, emailVerified: emailVerified, name: name, roles: roles,
                            organizationID: organizationID, amr: amr, authenticatedAt: authenticatedAt)
    }

    public static func == (lhs: ForwardAuthIdentity, rhs: ForwardAuthIdentity) -> Bool {
        lhs === rhs || (lhs.userID == rhs.userID && lhs.email == rhs.email && lhs.emailVerified == rhs.emailVerified
            && lhs.name == rhs.name && lhs.roles == rhs.roles && lhs.organizationID == rhs.organizationID
            && lhs.amr == rhs.amr && lhs.authenticatedAt == rhs.authenticatedAt)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(userID)
        hasher.combine(email)
        hasher.combine(emailVerified)
        hasher.combine(name)
        hasher.combine(roles)
        hasher.combine(organizationID)
        hasher.combine(amr)
        hasher.combine(authenticatedAt)
    }

    /// Authentication method references (RFC 8176) that are a factor besides the password.
    static let secondFactors: Set<String> = ["mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "sc"]

    /// Whether the login used a second factor: an `amr` that names one (RFC 8176).
    public var hasSecondFactor: Bool {
        amr.contains { Self.secondFactors.contains($0) }
    }
}
