import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// `/organizations/{id}/enabled_connections…`: connection ids are the configured connections' names.
extension ManagementOrganizations {
    public func connections(_ id: String, _ query: QueryParameters, tenant: Tenant,
                            caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organization_connections")
        try query.requireOnly(["page", "per_page", "include_totals"])
        let list = try ListParameters(query, knownFields: [])
        let enabled = try await organizations.enabledConnections(of: try await organization(id, tenant: tenant))
        return ListAnswer.page(enabled.map { OrganizationRepresentation.json($0, tenant: tenant) }, list,
                                    key: "enabled_connections")
    }

    public func connection(_ id: String, connection name: String, tenant: Tenant,
                           caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organization_connections")
        let organization = try await organization(id, tenant: tenant)
        let connection = try await Self.mapping { try await organizations.enabledConnection(name, of: organization) }
        return ManagementResponse(OrganizationRepresentation.json(connection, tenant: tenant))
    }

    /// `POST …/enabled_connections`: 201 with the enabled connection.
    public func enableConnection(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                                 request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:organization_connections")
        let (name, options) = try OrganizationBody.connection(body, creating: true)
        let connection = try await Self.mapping {
            try await organizations.enableConnection(name, options, for: id, in: tenant.config, by: caller.actor, request: request)
        }
        return ManagementResponse(status: 201, OrganizationRepresentation.json(connection, tenant: tenant))
    }

    public func updateConnection(_ id: String, connection name: String, _ body: Data, tenant: Tenant,
                                 caller: ManagementCaller, request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:organization_connections")
        let (_, options) = try OrganizationBody.connection(body, creating: false)
        let connection = try await Self.mapping {
            try await organizations.updateConnection(name, options, for: id, in: tenant.config, by: caller.actor, request: request)
        }
        return ManagementResponse(OrganizationRepresentation.json(connection, tenant: tenant))
    }

    public func disableConnection(_ id: String, connection name: String, tenant: Tenant, caller: ManagementCaller,
                                  request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:organization_connections")
        try await Self.mapping {
            try await organizations.disableConnection(name, for: id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }
}
