import Foundation

/// A role (defined in configuration, referred to by name) given to a user, either across the
/// tenant or only within one organization.
public struct RoleAssignment: Sendable, Hashable {
    public var tenantID: String
    public var userID: String
    /// The role's name from the tenant's `roles:`. The store does not check it against the config:
    /// a role removed from config simply stops granting anything.
    public var role: String
    /// `nil` for a tenant-wide assignment; otherwise the organization the role applies in.
    public var organizationID: String?
    public var createdAt: Date

    public init(tenantID: String, userID: String, role: String, organizationID: String? = nil, createdAt: Date) {
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
        self.organizationID = organizationID
        self.createdAt = createdAt
    }
}
