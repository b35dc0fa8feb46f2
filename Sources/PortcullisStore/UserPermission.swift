import Foundation

/// A permission (a scope value of one resource server) given to a user directly, not through a role.
public struct UserPermission: Sendable, Hashable {
    public var tenantID: String
    public var userID: String
    /// The resource server's identifier from the tenant's `resource_servers:`.
    public var resourceServer: String
    /// One of that resource server's scope values. The store does not check it (nor the resource
    /// server) against the config: a scope removed from config simply stops being granted.
    public var permission: String
    public var createdAt: Date

    public init(tenantID: String, userID: String, resourceServer: String, permission: String, createdAt: Date) {
        self.tenantID = tenantID
        self.userID = userID
        self.resourceServer = resourceServer
        self.permission = permission
        self.createdAt = createdAt
    }
}
