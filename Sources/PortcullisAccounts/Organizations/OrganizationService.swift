import Foundation
import PortcullisCore
import PortcullisStore

/// Organizations, their members and their enabled connections — the one implementation the
/// management API and the CLI share. Every change is one store call that writes its event in
/// the same transaction. Member roles are ``RoleService``'s (with an organization).
public struct OrganizationService: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    // MARK: Reading

    /// - Throws: ``OrganizationFailure/noSuchOrganization(_:)``.
    public func organization(id: String, in tenant: TenantConfig) async throws -> Organization {
        guard let organization = try await storage.organization(tenantID: tenant.id.value, id: id) else {
            throw OrganizationFailure.noSuchOrganization(id)
        }
        return organization
    }

    /// By name, compared without case.
    /// - Throws: ``OrganizationFailure/noSuchOrganization(_:)``.
    public func organization(named name: String, in tenant: TenantConfig) async throws -> Organization {
        guard let found = try await storage.organization(tenantID: tenant.id.value, name: name) else {
            throw OrganizationFailure.noSuchOrganization(name)
        }
        return found
    }

    /// One page by name.
    public func organizations(in tenant: TenantConfig, offset: Int, limit: Int) async throws -> [Organization] {
        try await storage.organizations(tenantID: tenant.id.value, offset: offset, limit: limit)
    }

    /// From a checkpoint, by id.
    public func organizations(in tenant: TenantConfig, after id: String?, limit: Int) async throws -> [Organization] {
        try await storage.organizations(tenantID: tenant.id.value, afterID: id, limit: limit)
    }

    public func organizationCount(in tenant: TenantConfig) async throws -> Int {
        try await storage.organizationCount(tenantID: tenant.id.value)
    }

    // MARK: Changes

    /// Creates an organization, with the connections to enable, in one transaction.
    public func create(_ fields: OrganizationFields, connections: [(name: String, options: OrganizationConnectionOptions)] = [],
                       in tenant: TenantConfig, by actor: EventParty, request: EventRequestContext? = nil,
                       now: Date = Date()) async throws -> (Organization, [OrganizationConnection]) {
        guard let name = fields.name else { throw OrganizationFailure.invalid("name is required") }
        let organization = try fields.applied(to: Organization(tenantID: tenant.id.value, name: name, createdAt: now))
        var enabled: [OrganizationConnection] = []
        for (connection, options) in connections {
            guard !enabled.contains(where: { $0.connection == connection }) else {
                throw OrganizationFailure.invalid("enabled_connections names \(connection) twice")
            }
            enabled.append(try Self.connection(connection, options, of: organization, in: tenant, now: now))
        }
        var details = ["name": organization.name]
        if !enabled.isEmpty { details["connections"] = enabled.map(\.connection).joined(separator: " ") }
        let event = DomainEvent(.organizationCreated, tenantID: organization.tenantID, subject: .organization(organization.id),
                                actor: actor, request: request, at: now, details: details)
        do {
            try await storage.createOrganization(organization, connections: enabled, events: [event])
        } catch StoreError.conflict {
            throw OrganizationFailure.nameTaken(organization.name)
        }
        return (organization, enabled)
    }

    public func update(id: String, _ fields: OrganizationFields, in tenant: TenantConfig, by actor: EventParty,
                       request: EventRequestContext? = nil, now: Date = Date()) async throws -> Organization {
        let stored = try await organization(id: id, in: tenant)
        let changed = try fields.applied(to: stored)
        var details = ["name": changed.name]
        if changed.name != stored.name { details["previous_name"] = stored.name }
        let event = DomainEvent(.organizationUpdated, tenantID: stored.tenantID, subject: .organization(stored.id),
                                actor: actor, request: request, at: now, details: details)
        do {
            guard try await storage.updateOrganization(changed, events: [event]) else {
                throw OrganizationFailure.noSuchOrganization(id)
            }
        } catch StoreError.conflict {
            throw OrganizationFailure.nameTaken(changed.name)
        }
        return changed
    }

    /// Deletes the organization with its memberships, member roles and enabled connections.
    /// - Returns: how many members it had.
    @discardableResult
    public func delete(id: String, in tenant: TenantConfig, by actor: EventParty, request: EventRequestContext? = nil,
                       now: Date = Date()) async throws -> Int {
        let organization = try await organization(id: id, in: tenant)
        let members = try await storage.memberCount(tenantID: organization.tenantID, organizationID: organization.id)
        let event = DomainEvent(.organizationDeleted, tenantID: organization.tenantID, subject: .organization(organization.id),
                                actor: actor, request: request, at: now, details: ["name": organization.name])
        guard try await storage.deleteOrganization(tenantID: organization.tenantID, id: organization.id, events: [event]) else {
            throw OrganizationFailure.noSuchOrganization(id)
        }
        return members
    }
}
