import Foundation

/// Which users hold which roles, tenant-wide or within an organization.
public protocol RoleAssignmentStore: Sendable {
    /// Gives the role. Assigning it twice changes nothing.
    /// - Returns: whether the assignment is new.
    /// - Throws: ``StoreError/invalidInput(_:)`` if the role name is empty, the user is not in the
    ///   tenant, or `organizationID` is set and the user is not a member of that organization.
    @discardableResult
    func assignRole(tenantID: String, userID: String, role: String, organizationID: String?, at: Date, events: [DomainEvent]) async throws -> Bool

    /// - Returns: whether the assignment existed.
    @discardableResult
    func unassignRole(tenantID: String, userID: String, role: String, organizationID: String?, events: [DomainEvent]) async throws -> Bool

    /// All of the user's assignments, tenant-wide and in every organization, ordered by role name,
    /// then the tenant-wide one first, then by organization ID.
    func roleAssignments(tenantID: String, userID: String) async throws -> [RoleAssignment]
}

extension RoleAssignmentStore {
    /// The role names that apply to the user in `organizationID`: tenant-wide roles plus the roles
    /// assigned within that organization (none when `organizationID` is `nil`). Sorted, unique.
    public func effectiveRoles(tenantID: String, userID: String, organizationID: String?) async throws -> [String] {
        try await roleAssignments(tenantID: tenantID, userID: userID).effectiveRoles(in: organizationID)
    }
}

extension Sequence<RoleAssignment> {
    /// The role names in effect in `organizationID`: tenant-wide assignments plus those within that
    /// organization (none when `nil`). Sorted, unique.
    public func effectiveRoles(in organizationID: String?) -> [String] {
        let names = filter { $0.organizationID == nil || $0.organizationID == organizationID }.map(\.role)
        return Array(Set(names)).sorted()
    }
}

extension RoleAssignmentStore {
    // The same operations with no event, for callers that record none (tests, maintenance).
    @discardableResult
    public func assignRole(tenantID: String, userID: String, role: String, organizationID: String?, at: Date) async throws -> Bool {
        return try await assignRole(tenantID: tenantID, userID: userID, role: role, organizationID: organizationID, at: at, events: [])
    }

    @discardableResult
    public func unassignRole(tenantID: String, userID: String, role: String, organizationID: String?) async throws -> Bool {
        return try await unassignRole(tenantID: tenantID, userID: userID, role: role, organizationID: organizationID, events: [])
    }
}
