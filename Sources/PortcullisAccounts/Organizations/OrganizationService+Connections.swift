import Foundation
import PortcullisCore
import PortcullisStore

extension OrganizationService {
    public func enabledConnections(of organization: Organization) async throws -> [OrganizationConnection] {
        try await storage.enabledConnections(tenantID: organization.tenantID, organizationID: organization.id)
    }

    /// - Throws: ``OrganizationFailure/connectionNotEnabled(_:)``.
    public func enabledConnection(_ name: String, of organization: Organization) async throws -> OrganizationConnection {
        guard let found = try await enabledConnections(of: organization).first(where: { $0.connection == name }) else {
            throw OrganizationFailure.connectionNotEnabled(name)
        }
        return found
    }

    /// Enables a connection of the tenant's configuration for the organization.
    public func enableConnection(_ name: String, _ options: OrganizationConnectionOptions, for organizationID: String,
                                 in tenant: TenantConfig, by actor: EventParty, request: EventRequestContext? = nil,
                                 now: Date = Date()) async throws -> OrganizationConnection {
        let organization = try await organization(id: organizationID, in: tenant)
        let connection = try Self.connection(name, options, of: organization, in: tenant, now: now)
        let event = connectionEvent(.organizationConnectionEnabled, connection, organization, actor, request, now)
        guard try await storage.enableConnection(connection, events: [event]) else {
            throw OrganizationFailure.connectionAlreadyEnabled(name)
        }
        return connection
    }

    public func updateConnection(_ name: String, _ options: OrganizationConnectionOptions, for organizationID: String,
                                 in tenant: TenantConfig, by actor: EventParty, request: EventRequestContext? = nil,
                                 now: Date = Date()) async throws -> OrganizationConnection {
        let organization = try await organization(id: organizationID, in: tenant)
        let changed = try options.applied(to: try await enabledConnection(name, of: organization))
        let event = connectionEvent(.organizationConnectionUpdated, changed, organization, actor, request, now)
        guard try await storage.updateEnabledConnection(changed, events: [event]) else {
            throw OrganizationFailure.connectionNotEnabled(name)
        }
        return changed
    }

    /// Disables a connection — also one the configuration no longer has.
    public func disableConnection(_ name: String, for organizationID: String, in tenant: TenantConfig, by actor: EventParty,
                                  request: EventRequestContext? = nil, now: Date = Date()) async throws {
        let organization = try await organization(id: organizationID, in: tenant)
        let connection = OrganizationConnection(tenantID: organization.tenantID, organizationID: organization.id,
                                                connection: name, createdAt: now)
        let event = connectionEvent(.organizationConnectionDisabled, connection, organization, actor, request, now)
        guard try await storage.disableConnection(tenantID: organization.tenantID, organizationID: organization.id,
                                                  connection: name, events: [event]) else {
            throw OrganizationFailure.connectionNotEnabled(name)
        }
    }

    /// A new enabled connection, checked against the configuration and the options' rules.
    static func connection(_ name: String, _ options: OrganizationConnectionOptions, of organization: Organization,
                           in tenant: TenantConfig, now: Date) throws(OrganizationFailure) -> OrganizationConnection {
        guard tenant.connections.contains(where: { $0.name.value == name }) else { throw .unknownConnection(name) }
        return try options.applied(to: OrganizationConnection(
            tenantID: organization.tenantID, organizationID: organization.id, connection: name, createdAt: now))
    }

    private func connectionEvent(_ kind: DomainEventKind, _ connection: OrganizationConnection, _ organization: Organization,
                                 _ actor: EventParty, _ request: EventRequestContext?, _ now: Date) -> DomainEvent {
        var details = ["organization": organization.name, "connection": connection.connection]
        if kind != .organizationConnectionDisabled {
            details["assign_membership_on_login"] = String(connection.assignMembershipOnLogin)
            details["is_signup_enabled"] = String(connection.isSignupEnabled)
            details["show_as_button"] = String(connection.showAsButton)
        }
        return DomainEvent(kind, tenantID: organization.tenantID, subject: .organization(organization.id), actor: actor,
                           request: request, at: now, details: details)
    }
}
