import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// `/organizations…`: organizations, their members, member roles, enabled connections and
/// invitations, through ``OrganizationService``, ``InvitationService`` (and ``RoleService`` for roles).
public struct ManagementOrganizations: Sendable {
    let organizations: OrganizationService
    let roles: RoleService
    let invitations: InvitationService
    let lookup: UserLookup
    let invitationMailer: (any InvitationMailing)?

    public init(storage: any PortcullisStorage, invitationMailer: (any InvitationMailing)? = nil) {
        organizations = OrganizationService(storage: storage)
        roles = RoleService(storage: storage)
        invitations = InvitationService(storage: storage)
        lookup = UserLookup(storage: storage)
        self.invitationMailer = invitationMailer
    }

    /// `GET /organizations`: by page (`page`, `per_page`, `include_totals`), ordered by name, or
    /// from a checkpoint (`from`, `take`: `{"organizations", "next"}`), ordered by id.
    public func list(_ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organizations")
        try query.requireOnly(["page", "per_page", "include_totals", "from", "take"])
        if let (after, take) = try ListAnswer.checkpoint(query) {
            let found = try await organizations.organizations(in: tenant.config, after: after, limit: take)
            return ListAnswer.checkpoint(found.map(OrganizationRepresentation.json), lastID: found.last?.id, take: take,
                                         key: "organizations")
        }
        let list = try ListParameters(query, knownFields: [])
        let found = try await organizations.organizations(in: tenant.config, offset: list.page * list.perPage, limit: list.perPage)
        return try await ListAnswer.page(found.map(OrganizationRepresentation.json), list, key: "organizations") {
            try await organizations.organizationCount(in: tenant.config)
        }
    }

    public func get(_ id: String, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organizations")
        return ManagementResponse(OrganizationRepresentation.json(try await organization(id, tenant: tenant)))
    }

    /// `GET /organizations/name/{name}`.
    public func byName(_ name: String, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organizations")
        let found = try await Self.mapping { try await organizations.organization(named: name, in: tenant.config) }
        return ManagementResponse(OrganizationRepresentation.json(found))
    }

    /// `POST /organizations`: 201 with the organization and its `enabled_connections`.
    public func create(_ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:organizations")
        let (fields, connections) = try OrganizationBody.organization(body, creating: true)
        let (organization, enabled) = try await Self.mapping {
            try await organizations.create(fields, connections: connections, in: tenant.config, by: caller.actor, request: request)
        }
        guard case .object(var object) = OrganizationRepresentation.json(organization) else { return .noContent }
        if !enabled.isEmpty { object["enabled_connections"] = .array(enabled.map { OrganizationRepresentation.json($0, tenant: tenant) }) }
        return ManagementResponse(status: 201, .object(object))
    }

    public func update(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:organizations")
        let (fields, _) = try OrganizationBody.organization(body, creating: false)
        let organization = try await Self.mapping {
            try await organizations.update(id: id, fields, in: tenant.config, by: caller.actor, request: request)
        }
        return ManagementResponse(OrganizationRepresentation.json(organization))
    }

    /// `DELETE /organizations/{id}`: 204; memberships, member roles and enabled connections go with it.
    public func delete(_ id: String, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:organizations")
        try await Self.mapping { try await organizations.delete(id: id, in: tenant.config, by: caller.actor, request: request) }
        return .noContent
    }

    // MARK: Helpers

    func organization(_ id: String, tenant: Tenant) async throws -> Organization {
        try await Self.mapping { try await organizations.organization(id: id, in: tenant.config) }
    }

    /// Runs `body`, answering an ``OrganizationFailure`` or a ``RoleFailure`` in Auth0's shape.
    @discardableResult
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await ManagementRoles.mapping(body)
        } catch let failure as OrganizationFailure {
            throw OrganizationRepresentation.error(failure)
        }
    }
}
