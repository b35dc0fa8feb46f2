import Foundation
import PortcullisCore
import PortcullisStore

extension OrganizationService {
    /// Members ordered by user id: after `after` (a user id), skipping `offset`.
    public func members(of organization: Organization, after: String? = nil, offset: Int = 0,
                        limit: Int) async throws -> [User] {
        try await storage.memberUsers(tenantID: organization.tenantID, organizationID: organization.id, after: after,
                                      offset: offset, limit: limit)
    }

    public func memberCount(of organization: Organization) async throws -> Int {
        try await storage.memberCount(tenantID: organization.tenantID, organizationID: organization.id)
    }

    /// Adds users (store ids) as members. Every user is looked up before anything changes; a
    /// user who is already a member changes nothing.
    /// - Returns: how many memberships are new.
    @discardableResult
    public func addMembers(_ userIDs: [String], to organizationID: String, in tenant: TenantConfig, by actor: EventParty,
                           request: EventRequestContext? = nil, via: String? = nil, now: Date = Date()) async throws -> Int {
        let organization = try await organization(id: organizationID, in: tenant)
        let users = try await requireUsers(userIDs, in: tenant)
        var added = 0
        for user in users {
            let event = Self.memberEvent(.memberAdded, user: user, organization: organization, actor: actor, request: request,
                                    via: via, now: now)
            if try await storage.addMember(tenantID: user.tenantID, organizationID: organization.id, userID: user.id,
                                           at: now, events: [event]) {
                added += 1
            }
        }
        return added
    }

    /// Removes members with the roles they hold in the organization. Users who are not members
    /// change nothing; unknown users are refused before anything changes.
    /// - Returns: how many memberships ended.
    @discardableResult
    public func removeMembers(_ userIDs: [String], from organizationID: String, in tenant: TenantConfig,
                              by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        let organization = try await organization(id: organizationID, in: tenant)
        let users = try await requireUsers(userIDs, in: tenant)
        var removed = 0
        for user in users {
            let event = Self.memberEvent(.memberRemoved, user: user, organization: organization, actor: actor, request: request,
                                    via: nil, now: now)
            if try await storage.removeMember(tenantID: user.tenantID, organizationID: organization.id, userID: user.id,
                                              events: [event]) {
                removed += 1
            }
        }
        return removed
    }

    private func requireUsers(_ userIDs: [String], in tenant: TenantConfig) async throws -> [User] {
        var users: [User] = []
        for id in userIDs where !users.contains(where: { $0.id == id }) {
            guard let user = try await storage.user(tenantID: tenant.id.value, id: id), user.linkedTo == nil else {
                throw OrganizationFailure.noSuchUser(id)
            }
            users.append(user)
        }
        return users
    }

    /// The event of a membership change, the same whether the API, the CLI, an invitation or a
    /// login (`assign_membership_on_login`) made it.
    static func memberEvent(_ kind: DomainEventKind, user: User, organization: Organization, actor: EventParty,
                            request: EventRequestContext?, via: String?, now: Date) -> DomainEvent {
        var details = ["organization_id": organization.id, "organization": organization.name]
        if let via { details["via"] = via }
        return DomainEvent(kind, tenantID: user.tenantID, subject: .user(user.id), actor: actor, request: request, at: now,
                           details: details)
    }
}
