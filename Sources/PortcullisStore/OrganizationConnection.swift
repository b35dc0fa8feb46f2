import Foundation

/// A connection enabled for an organization (Auth0's enabled connections): users of other
/// connections cannot log in in the organization's context.
public struct OrganizationConnection: Sendable, Hashable {
    public var tenantID: String
    public var organizationID: String
    /// The connection's name in the tenant's configuration. Not a foreign key: a connection removed
    /// from the configuration leaves the row, which then matches no user and can still be disabled.
    public var connection: String
    /// A user of this connection who logs in in the organization's context becomes a member.
    public var assignMembershipOnLogin: Bool
    /// The hosted login page offers this connection as a button (upstream connections).
    public var showAsButton: Bool
    /// The hosted pages offer sign-up in the organization's context; requires
    /// ``assignMembershipOnLogin`` (the new user must end up a member).
    public var isSignupEnabled: Bool
    public var createdAt: Date

    public init(tenantID: String, organizationID: String, connection: String, assignMembershipOnLogin: Bool = false,
                showAsButton: Bool = true, isSignupEnabled: Bool = false, createdAt: Date) {
        self.tenantID = tenantID
        self.organizationID = organizationID
        self.connection = connection
        self.assignMembershipOnLogin = assignMembershipOnLogin
        self.showAsButton = showAsButton
        self.isSignupEnabled = isSignupEnabled
        self.createdAt = createdAt
    }
}
