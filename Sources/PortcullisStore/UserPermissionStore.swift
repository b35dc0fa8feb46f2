import Foundation

/// Permissions given to users directly, besides those their roles give.
public protocol UserPermissionStore: Sendable {
    /// Gives the permission. Granting it twice changes nothing (the first grant's time is kept).
    /// - Returns: whether the grant is new.
    /// - Throws: ``StoreError/invalidInput(_:)`` if the resource server or permission is empty, or
    ///   the user is not in the tenant.
    @discardableResult
    func grantPermission(tenantID: String, userID: String, resourceServer: String, permission: String, at: Date,
                         events: [DomainEvent]) async throws -> Bool

    /// - Returns: whether the grant existed.
    @discardableResult
    func revokePermission(tenantID: String, userID: String, resourceServer: String, permission: String, events: [DomainEvent]) async throws -> Bool

    /// The user's direct permissions on every resource server, ordered by resource server, then permission.
    func permissions(tenantID: String, userID: String) async throws -> [UserPermission]
}

extension UserPermissionStore {
    // The same operations with no event, for callers that record none (tests, maintenance).
    @discardableResult
    public func grantPermission(tenantID: String, userID: String, resourceServer: String, permission: String, at: Date) async throws -> Bool {
        return try await grantPermission(tenantID: tenantID, userID: userID, resourceServer: resourceServer, permission: permission, at: at, events: [])
    }

    @discardableResult
    public func revokePermission(tenantID: String, userID: String, resourceServer: String, permission: String) async throws -> Bool {
        return try await revokePermission(tenantID: tenantID, userID: userID, resourceServer: resourceServer, permission: permission, events: [])
    }
}
