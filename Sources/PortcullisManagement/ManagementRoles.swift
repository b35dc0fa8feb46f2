import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// `/roles…`: configured roles (read-only, 409 naming their file on a write) and runtime roles,
/// their permissions and their users, through ``RoleService``.
public struct ManagementRoles: Sendable {
    let roles: RoleService
    let lookup: UserLookup

    public init(storage: any PortcullisStorage) {
        roles = RoleService(storage: storage)
        lookup = UserLookup(storage: storage)
    }

    /// `GET /roles` (`name_filter`, paging).
    public func list(_ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:roles")
        try query.requireOnly(["page", "per_page", "include_totals", "name_filter"])
        let list = try ListParameters(query, knownFields: [])
        var all = try await roles.roles(in: tenant.config)
        if let filter = query["name_filter"], !filter.isEmpty {
            all = all.filter { $0.name.localizedCaseInsensitiveContains(filter) }
        }
        return ListAnswer.page(all.map(RoleRepresentation.json), list, key: "roles")
    }

    public func get(_ id: String, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:roles")
        return ManagementResponse(RoleRepresentation.json(try await role(id, tenant: tenant)))
    }

    /// `POST /roles`: 200 with the role, as Auth0 answers.
    public func create(_ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:roles")
        let fields = try RoleBody.role(body, requireName: true)
        let role = try await Self.mapping {
            try await roles.create(name: fields.name ?? "", description: fields.description ?? "", in: tenant.config,
                                   by: caller.actor, request: request)
        }
        return ManagementResponse(RoleRepresentation.json(.runtime(role)))
    }

    public func update(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:roles")
        let fields = try RoleBody.role(body, requireName: false)
        let role = try await Self.mapping {
            try await roles.update(id: id, name: fields.name, description: fields.description, in: tenant.config,
                                   by: caller.actor, request: request)
        }
        return ManagementResponse(RoleRepresentation.json(.runtime(role)))
    }

    public func delete(_ id: String, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:roles")
        try await Self.mapping { try await roles.delete(id: id, in: tenant.config, by: caller.actor, request: request) }
        return .noContent
    }

    /// `GET /roles/{id}/permissions`.
    public func permissions(_ id: String, _ query: QueryParameters, tenant: Tenant,
                            caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:roles")
        try query.requireOnly(["page", "per_page", "include_totals"])
        let list = try ListParameters(query, knownFields: [])
        let role = try await role(id, tenant: tenant)
        let permissions = try await roles.permissions(of: role, in: tenant.config)
        return ListAnswer.page(permissions.map { .object(RoleRepresentation.json($0, tenant: tenant)) }, list, key: "permissions")
    }

    /// `POST /roles/{id}/permissions`: 201, empty.
    public func addPermissions(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                               request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:roles")
        let permissions = try RoleBody.permissions(body)
        try await Self.mapping {
            try await roles.addPermissions(permissions, toRole: id, in: tenant.config, by: caller.actor, request: request)
        }
        return ManagementResponse(status: 201, nil)
    }

    /// `DELETE /roles/{id}/permissions` (with a body, as Auth0's): 204.
    public func removePermissions(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                                  request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:roles")
        let permissions = try RoleBody.permissions(body)
        try await Self.mapping {
            try await roles.removePermissions(permissions, fromRole: id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }

    /// `GET /roles/{id}/users`, ordered by user id: by page (`page`, `per_page`, `include_totals`)
    /// or from a checkpoint (`from`, `take`: `{"users", "next"}`), as Auth0 offers both.
    public func users(_ id: String, _ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:role_members")
        try query.requireOnly(["page", "per_page", "include_totals", "from", "take"])
        let role = try await role(id, tenant: tenant)
        if let (from, take) = try ListAnswer.checkpoint(query) {
            // `from` is the `next` this route answered: the last user's store id.
            let after = from.map { UserLookup.split($0)?.id ?? $0 }
            let users = try await roles.holders(of: role, in: tenant.config, after: after, limit: take)
            return ListAnswer.checkpoint(users.map(RoleRepresentation.member), lastID: users.last?.id, take: take, key: "users")
        }
        let list = try ListParameters(query, knownFields: [])
        let users = try await roles.holders(of: role, in: tenant.config, offset: list.page * list.perPage, limit: list.perPage)
        return try await ListAnswer.page(users.map(RoleRepresentation.member), list, key: "users") {
            try await roles.holderCount(of: role, in: tenant.config)
        }
    }

    /// `POST /roles/{id}/users` `{users: [...]}`: gives the role to each user, tenant-wide.
    public func assignUsers(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                            request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:role_members")
        let userIDs = try RoleBody.identifiers(body, key: "users")
        let role = try await role(id, tenant: tenant)
        var users: [User] = []
        for userID in userIDs { users.append(try await lookup.user(userID, tenant: tenant)) }
        for user in users {
            try await Self.mapping {
                try await roles.assign([role], to: user.id, in: tenant.config, by: caller.actor, request: request)
            }
        }
        return ManagementResponse(status: 200, nil)
    }

    // MARK: Helpers

    func role(_ id: String, tenant: Tenant) async throws -> TenantRole {
        try await Self.mapping { try await roles.role(id: id, in: tenant.config) }
    }

    /// Runs `body`, answering a ``RoleFailure`` in Auth0's shape.
    @discardableResult
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as RoleFailure {
            throw RoleRepresentation.error(failure)
        }
    }

    /// One page of an in-memory list, with Auth0's totals object when asked.
}
