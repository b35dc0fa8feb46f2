import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// `/users/{id}/roles` and `/users/{id}/permissions`: a user's tenant-wide roles and direct
/// permissions, and what they hold in all (direct ∪ roles, with sources) through
/// ``EffectivePermissions``, the computation tokens use.
public struct ManagementUserRoles: Sendable {
    let roles: RoleService
    let effective: EffectivePermissions
    let lookup: UserLookup

    public init(storage: any PortcullisStorage) {
        roles = RoleService(storage: storage)
        effective = EffectivePermissions(storage: storage)
        lookup = UserLookup(storage: storage)
    }

    /// `GET /users/{id}/roles`: tenant-wide roles (organization roles are the members' routes').
    public func list(_ id: String, _ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:roles")
        try query.requireOnly(["page", "per_page", "include_totals"])
        let list = try ListParameters(query, knownFields: [])
        let user = try await lookup.user(id, tenant: tenant)
        let held = try await roles.roles(of: user.id, in: tenant.config)
        return ListAnswer.page(held.map(RoleRepresentation.json), list, key: "roles")
    }

    /// `POST /users/{id}/roles` `{roles: [...]}`: 204.
    public func assign(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:role_members")
        let roleIDs = try RoleBody.identifiers(body, key: "roles")
        let user = try await lookup.user(id, tenant: tenant)
        try await ManagementRoles.mapping {
            try await roles.assign(roleIDs: roleIDs, to: user.id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }

    /// `DELETE /users/{id}/roles` `{roles: [...]}`: 204.
    public func unassign(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                         request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:role_members")
        let roleIDs = try RoleBody.identifiers(body, key: "roles")
        let user = try await lookup.user(id, tenant: tenant)
        try await ManagementRoles.mapping {
            try await roles.unassign(roleIDs: roleIDs, from: user.id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }

    /// `GET /users/{id}/permissions`: direct and through tenant-wide roles, with `sources`.
    public func permissions(_ id: String, _ query: QueryParameters, tenant: Tenant,
                            caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:users")
        try query.requireOnly(["page", "per_page", "include_totals"])
        let list = try ListParameters(query, knownFields: [])
        let user = try await lookup.user(id, tenant: tenant)
        let held = try await effective.held(by: user.id, organizationID: nil, in: tenant.config)
        return ListAnswer.page(held.map { RoleRepresentation.json($0, tenant: tenant) }, list, key: "permissions")
    }

    /// `POST /users/{id}/permissions` `{permissions: [...]}`: 201.
    public func grant(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                      request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:users")
        let permissions = try RoleBody.permissions(body)
        let user = try await lookup.user(id, tenant: tenant)
        try await ManagementRoles.mapping {
            try await roles.grant(permissions, to: user.id, in: tenant.config, by: caller.actor, request: request)
        }
        return ManagementResponse(status: 201, nil)
    }

    /// `DELETE /users/{id}/permissions` `{permissions: [...]}`: 204.
    public func revoke(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:users")
        let permissions = try RoleBody.permissions(body)
        let user = try await lookup.user(id, tenant: tenant)
        try await ManagementRoles.mapping {
            try await roles.revoke(permissions, from: user.id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }
}
