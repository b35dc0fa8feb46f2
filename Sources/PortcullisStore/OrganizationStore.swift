import Foundation

/// Organizations and their members. Deleting an organization, or a user, removes the memberships
/// and the organization-scoped role assignments that hang off it.
public protocol OrganizationStore: Sendable {
    /// - Throws: ``StoreError/invalidInput(_:)`` for an invalid name
    ///   (see ``Organization/isValidName(_:)``); ``StoreError/conflict(_:)`` if the tenant already
    ///   has an organization with that name or ID.
    func createOrganization(_ organization: Organization, connections: [OrganizationConnection],
                            events: [DomainEvent]) async throws

    /// Replaces the name, display name, metadata and branding (the id, tenant and creation time stay).
    /// - Returns: whether the organization exists.
    /// - Throws: ``StoreError/conflict(_:)`` if another organization of the tenant has the name.
    func updateOrganization(_ organization: Organization, events: [DomainEvent]) async throws -> Bool

    func organization(tenantID: String, id: String) async throws -> Organization?
    /// Looks up by name, case-insensitively.
    func organization(tenantID: String, name: String) async throws -> Organization?
    /// The tenant's organizations ordered by name.
    func organizations(tenantID: String) async throws -> [Organization]
    /// One page of them by name; `limit` 1…100.
    func organizations(tenantID: String, offset: Int, limit: Int) async throws -> [Organization]
    /// From a checkpoint: those whose id sorts after `afterID` (all when `nil`), by id; `limit` 1…100.
    func organizations(tenantID: String, afterID: String?, limit: Int) async throws -> [Organization]
    func organizationCount(tenantID: String) async throws -> Int

    /// Deletes the organization with its memberships and organization-scoped role assignments.
    /// - Returns: whether it existed.
    @discardableResult
    func deleteOrganization(tenantID: String, id: String, events: [DomainEvent]) async throws -> Bool

    /// Adds the user to the organization. Adding an existing member changes nothing.
    /// - Returns: whether the membership is new.
    /// - Throws: ``StoreError/invalidInput(_:)`` if the user or the organization is not in the tenant.
    @discardableResult
    func addMember(tenantID: String, organizationID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Bool

    /// Removes the membership and the user's role assignments in that organization.
    /// - Returns: whether the user was a member.
    @discardableResult
    func removeMember(tenantID: String, organizationID: String, userID: String, events: [DomainEvent]) async throws -> Bool

    func isMember(tenantID: String, organizationID: String, userID: String) async throws -> Bool
    /// Members ordered by when they joined.
    func members(tenantID: String, organizationID: String) async throws -> [OrganizationMembership]
    /// The organizations the user belongs to, ordered by name.
    func organizations(tenantID: String, userID: String) async throws -> [Organization]
    /// The member users ordered by user id: those after `after` (a user id), skipping `offset`;
    /// `limit` 1…100. Linked secondary identities are never members.
    func memberUsers(tenantID: String, organizationID: String, after: String?, offset: Int, limit: Int) async throws -> [User]
    func memberCount(tenantID: String, organizationID: String) async throws -> Int

    /// The organization's enabled connections ordered by connection name.
    func enabledConnections(tenantID: String, organizationID: String) async throws -> [OrganizationConnection]
    /// Enables a connection for the organization.
    /// - Returns: `false` if it was already enabled (nothing changes).
    /// - Throws: ``StoreError/invalidInput(_:)`` if the organization is not in the tenant.
    func enableConnection(_ connection: OrganizationConnection, events: [DomainEvent]) async throws -> Bool
    /// Replaces an enabled connection's options.
    /// - Returns: `false` if the connection is not enabled for the organization.
    func updateEnabledConnection(_ connection: OrganizationConnection, events: [DomainEvent]) async throws -> Bool
    /// - Returns: whether the connection was enabled.
    func disableConnection(tenantID: String, organizationID: String, connection: String,
                           events: [DomainEvent]) async throws -> Bool
}

extension OrganizationStore {
    /// The organization a client names by id or by name (`organization` on /authorize, on a
    /// refresh, on the login page): the id first, as Auth0 reads the parameter.
    public func organization(tenantID: String, idOrName wanted: String) async throws -> Organization? {
        if let byID = try await organization(tenantID: tenantID, id: wanted) { return byID }
        return try await organization(tenantID: tenantID, name: wanted)
    }

    // The same operations with no event, for callers that record none (tests, maintenance).
    public func createOrganization(_ organization: Organization) async throws {
        try await createOrganization(organization, connections: [], events: [])
    }

    public func createOrganization(_ organization: Organization, events: [DomainEvent]) async throws {
        try await createOrganization(organization, connections: [], events: events)
    }

    @discardableResult
    public func deleteOrganization(tenantID: String, id: String) async throws -> Bool {
        return try await deleteOrganization(tenantID: tenantID, id: id, events: [])
    }

    @discardableResult
    public func addMember(tenantID: String, organizationID: String, userID: String, at: Date) async throws -> Bool {
        return try await addMember(tenantID: tenantID, organizationID: organizationID, userID: userID, at: at, events: [])
    }

    @discardableResult
    public func removeMember(tenantID: String, organizationID: String, userID: String) async throws -> Bool {
        return try await removeMember(tenantID: tenantID, organizationID: organizationID, userID: userID, events: [])
    }
}
