import Foundation
import PortcullisStore

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
    /// The organization the subject acts in: a Bearer token's `org_id`, or the organization a rule
    /// named for a session user who belongs to it (see ``memberships``).
    public let organizationID: String?
    /// That organization's name, when known, so rules may name organizations by name or ID.
    public let organizationName: String?
    /// For a session, which acts in no organization by itself: the same user acting in each
    /// organization they belong to (with the roles in effect there), keyed by organization ID and by
    /// name. A rule that names an organization answers with that identity.
    public let memberships: [String: ForwardAuthIdentity]
    /// How the user proved who they are (`pwd`, `otp`, `mfa`, …).
    public let amr: [String]
    public let authenticatedAt: Date?
    /// The identity headers' values (control characters dropped, lists comma-joined), rendered once.
    public let headerValues: [(header: IdentityHeader, value: String)]

    public init(userID: String, email: String? = nil, emailVerified: Bool = false, name: String? = nil,
                roles: [String] = [], organizationID: String? = nil, organizationName: String? = nil,
                memberships: [String: ForwardAuthIdentity] = [:], amr: [String] = [], authenticatedAt: Date? = nil) {
        self.userID = userID
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.roles = roles
        self.organizationID = organizationID
        self.organizationName = organizationName
        self.memberships = memberships
        self.amr = amr
        self.authenticatedAt = authenticatedAt
        self.headerValues = IdentityHeader.values(userID: userID, email: email, emailVerified: emailVerified, name: name,
                                                  roles: roles, organizationID: organizationID, amr: amr,
                                                  authenticatedAt: authenticatedAt)
    }

    /// A copy with other roles (the rest unchanged).
    public func with(roles: [String]) -> ForwardAuthIdentity {
        ForwardAuthIdentity(userID: userID, email: email, emailVerified: emailVerified, name: name, roles: roles,
                            organizationID: organizationID, organizationName: organizationName,
                            memberships: memberships, amr: amr, authenticatedAt: authenticatedAt)
    }

    /// The subject acting in `organization` (an ID or a name), or `nil` when they are not in it: a
    /// token is in the one organization it names; a session user in every organization they belong to.
    public func acting(in organization: String) -> ForwardAuthIdentity? {
        if let organizationID {
            let named = organizationName.map { $0 == organization.lowercased() } ?? false
            return organizationID == organization || named ? self : nil
        }
        return memberships[organization] ?? memberships[organization.lowercased()]
    }

    /// The session identity of `user`: tenant-wide roles, and an identity for each organization they
    /// belong to (see ``memberships``).
    static func session(of user: User, roles: SubjectRoles, amr: [String], authenticatedAt: Date?)
        -> ForwardAuthIdentity
    {
        var memberships: [String: ForwardAuthIdentity] = [:]
        for organization in roles.organizations {
            let acting = ForwardAuthIdentity(
                userID: user.externalID, email: user.email, emailVerified: user.emailVerified, name: user.name,
                roles: roles.effective(in: organization.id), organizationID: organization.id,
                organizationName: organization.name, amr: amr, authenticatedAt: authenticatedAt)
            memberships[organization.id] = acting
            memberships[organization.name.lowercased()] = acting
        }
        return ForwardAuthIdentity(
            userID: user.externalID, email: user.email, emailVerified: user.emailVerified, name: user.name,
            roles: roles.effective(in: nil), memberships: memberships, amr: amr, authenticatedAt: authenticatedAt)
    }

    /// What `portcullis access check --user` evaluates: `user` as a password session would carry them.
    public static func passwordSession(of user: User, storage: any ForwardAuthStorage) async throws
        -> ForwardAuthIdentity
    {
        let roles = try await SubjectRoles.load(from: storage, tenantID: user.tenantID, userID: user.id)
        return session(of: user, roles: roles, amr: ["pwd"], authenticatedAt: nil)
    }

    public static func == (lhs: ForwardAuthIdentity, rhs: ForwardAuthIdentity) -> Bool {
        lhs === rhs || (lhs.userID == rhs.userID && lhs.email == rhs.email && lhs.emailVerified == rhs.emailVerified
            && lhs.name == rhs.name && lhs.roles == rhs.roles && lhs.organizationID == rhs.organizationID
            && lhs.organizationName == rhs.organizationName && lhs.memberships == rhs.memberships
            && lhs.amr == rhs.amr && lhs.authenticatedAt == rhs.authenticatedAt)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(userID)
        hasher.combine(email)
        hasher.combine(emailVerified)
        hasher.combine(name)
        hasher.combine(roles)
        hasher.combine(organizationID)
        hasher.combine(organizationName)
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
