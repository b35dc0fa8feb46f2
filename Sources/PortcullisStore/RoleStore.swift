import Foundation

/// Runtime roles, their permissions and who holds them. Configured roles are not stored: only
/// their assignments are (``RoleAssignmentStore``).
public protocol RoleStore: Sendable {
    /// - Throws: ``StoreError/invalidInput(_:)`` for an invalid name or description;
    ///   ``StoreError/conflict(_:)`` if the tenant has a runtime role with that name or id.
    func createRole(_ role: RuntimeRole, events: [DomainEvent]) async throws

    func role(tenantID: String, id: String) async throws -> RuntimeRole?
    func role(tenantID: String, name: String) async throws -> RuntimeRole?
    /// The tenant's runtime roles ordered by name.
    func roles(tenantID: String) async throws -> [RuntimeRole]

    /// Stores the new name and description. A new name moves every assignment of the old name
    /// to it, in the same transaction. - Returns: whether the role existed.
    /// - Throws: as ``createRole(_:events:)``.
    @discardableResult
    func updateRole(_ role: RuntimeRole, events: [DomainEvent]) async throws -> Bool

    /// Deletes the role with its permissions and every assignment of it (tenant-wide and in
    /// organizations), in one transaction. - Returns: whether it existed.
    @discardableResult
    func deleteRole(tenantID: String, id: String, events: [DomainEvent]) async throws -> Bool

    /// Adds permissions to the role; those it already has change nothing.
    /// - Returns: how many were new. - Throws: ``StoreError/invalidInput(_:)`` if the role does not exist.
    @discardableResult
    func addPermissions(_ permissions: [RolePermission], toRole roleID: String, tenantID: String, at: Date,
                        events: [DomainEvent]) async throws -> Int

    /// - Returns: how many the role had.
    @discardableResult
    func removePermissions(_ permissions: [RolePermission], fromRole roleID: String, tenantID: String,
                           events: [DomainEvent]) async throws -> Int

    /// The permissions of the runtime roles named `roleNames` (names that are not runtime roles
    /// are ignored), ordered by resource server, then permission, unique. One read for any
    /// number of roles: the token endpoint calls it for every user token.
    func permissions(ofRoles roleNames: [String], tenantID: String) async throws -> [RolePermission]

    /// The users holding the role named `roleName` tenant-wide or in any organization, each once,
    /// ordered by user id: those after the id `after` (a checkpoint) when given, skipping `offset`,
    /// at most `limit` (≤ 100).
    func holders(ofRole roleName: String, tenantID: String, after: String?, offset: Int, limit: Int) async throws -> [User]

    /// How many users hold the role (for `include_totals`).
    func holderCount(ofRole roleName: String, tenantID: String) async throws -> Int
}
