import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// `/organizations/{id}/members` and `/organizations/{id}/members/{user_id}/roles`.
extension ManagementOrganizations {
    /// `GET …/members`, ordered by user id: by page or from a checkpoint (`{"members", "next"}`);
    /// `fields=roles` adds each member's roles in the organization.
    public func members(_ id: String, _ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organization_members")
        try query.requireOnly(["page", "per_page", "include_totals", "from", "take", "fields", "include_fields"])
        let list = try ListParameters(query, knownFields: OrganizationRepresentation.memberFields)
        let organization = try await organization(id, tenant: tenant)
        // Roles are read per member only when asked for, as Auth0 does (`fields=roles`).
        let withRoles = !list.fields.isEmpty && list.fields.contains("roles") && list.includeFields
        if withRoles { try caller.require(anyOf: "read:organization_member_roles") }
        func render(_ users: [User]) async throws -> [JSONValue] {
            var items: [JSONValue] = []
            for user in users {
                let held = withRoles ? try await roles.roles(of: user.id, organizationID: organization.id, in: tenant.config) : nil
                items.append(OrganizationRepresentation.member(user, roles: held, list: list))
            }
            return items
        }
        if let (from, take) = try ListAnswer.checkpoint(query) {
            let users = try await organizations.members(of: organization, after: from.map { UserLookup.split($0)?.id ?? $0 },
                                                        limit: take)
            return ListAnswer.checkpoint(try await render(users), lastID: users.last?.id, take: take, key: "members")
        }
        let users = try await organizations.members(of: organization, offset: list.page * list.perPage, limit: list.perPage)
        return try await ListAnswer.page(try await render(users), list, key: "members") {
            try await organizations.memberCount(of: organization)
        }
    }

    /// `POST …/members` `{members: [user ids]}`: 204.
    public func addMembers(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                           request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:organization_members")
        let users = try await users(RoleBody.identifiers(body, key: "members"), tenant: tenant)
        try await Self.mapping {
            try await organizations.addMembers(users, to: id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }

    /// `DELETE …/members` `{members: [user ids]}`: 204, with their roles in the organization.
    public func removeMembers(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                              request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:organization_members")
        let users = try await users(RoleBody.identifiers(body, key: "members"), tenant: tenant)
        try await Self.mapping {
            try await organizations.removeMembers(users, from: id, in: tenant.config, by: caller.actor, request: request)
        }
        return .noContent
    }

    /// `GET …/members/{user_id}/roles`: the roles the member holds in the organization.
    public func memberRoles(_ id: String, userID: String, _ query: QueryParameters, tenant: Tenant,
                            caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organization_member_roles")
        try query.requireOnly(["page", "per_page", "include_totals"])
        let list = try ListParameters(query, knownFields: [])
        let (organization, user) = try await member(id, userID, tenant: tenant)
        let held = try await roles.roles(of: user.id, organizationID: organization.id, in: tenant.config)
        return ListAnswer.page(held.map(RoleRepresentation.json), list, key: "roles")
    }

    /// `POST …/members/{user_id}/roles` `{roles: [role ids]}`: 204.
    public func assignMemberRoles(_ id: String, userID: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                                  request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:organization_member_roles")
        return try await changeMemberRoles(id, userID, body, tenant: tenant, caller: caller, request: request, adding: true)
    }

    /// `DELETE …/members/{user_id}/roles` `{roles: [role ids]}`: 204.
    public func unassignMemberRoles(_ id: String, userID: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                                    request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:organization_member_roles")
        return try await changeMemberRoles(id, userID, body, tenant: tenant, caller: caller, request: request, adding: false)
    }

    private func changeMemberRoles(_ id: String, _ userID: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                                   request: EventRequestContext?, adding: Bool) async throws -> ManagementResponse {
        let roleIDs = try RoleBody.identifiers(body, key: "roles")
        let (organization, user) = try await member(id, userID, tenant: tenant)
        try await Self.mapping {
            if adding {
                try await roles.assign(roleIDs: roleIDs, to: user.id, organizationID: organization.id, in: tenant.config,
                                       by: caller.actor, request: request)
            } else {
                try await roles.unassign(roleIDs: roleIDs, from: user.id, organizationID: organization.id, in: tenant.config,
                                         by: caller.actor, request: request)
            }
        }
        return .noContent
    }

    /// The organization and the user a member path names (the user need not be a member to be read).
    private func member(_ id: String, _ userID: String, tenant: Tenant) async throws -> (Organization, User) {
        let organization = try await organization(id, tenant: tenant)
        return (organization, try await lookup.user(userID, tenant: tenant))
    }

    /// Auth0 user ids to store ids, every one looked up before anything changes.
    private func users(_ ids: [String], tenant: Tenant) async throws -> [String] {
        var result: [String] = []
        for id in ids { result.append(try await lookup.user(id, tenant: tenant).id) }
        return result
    }
}
