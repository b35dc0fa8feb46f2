import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Sends the invitation email (`send_invitation_email`, true unless asked otherwise, as in Auth0);
/// the hosted pages' mailer implements it, so the API does not depend on templates.
public protocol InvitationMailing: Sendable {
    func sendInvitation(_ invitation: Invitation, organization: Organization, url: String, tenant: Tenant) async
}

/// `/organizations/{id}/invitations…`, through ``InvitationService``.
extension ManagementOrganizations {
    public static let invitationFields: Set<String> = [
        "id", "organization_id", "inviter", "invitee", "client_id", "connection_id", "created_at", "expires_at",
        "roles", "app_metadata", "user_metadata",
    ]

    /// `GET …/invitations`: the pending ones (not accepted, not revoked), newest first unless
    /// `sort=created_at:1`.
    public func invitations(_ id: String, _ query: QueryParameters, tenant: Tenant,
                            caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organization_invitations")
        try query.requireOnly(["page", "per_page", "include_totals", "fields", "include_fields", "sort"])
        let list = try ListParameters(query, knownFields: Self.invitationFields)
        let organization = try await organization(id, tenant: tenant)
        let oldestFirst: Bool
        switch query["sort"] ?? "" {
        case "", "created_at:-1": oldestFirst = false
        case "created_at:1": oldestFirst = true
        default: throw ManagementError.invalidQuery("sort must be created_at:1 or created_at:-1")
        }
        let total = try await invitations.invitationCount(of: organization)
        // Oldest first is the same order read from the other end.
        let offset = oldestFirst ? max(0, total - (list.page + 1) * list.perPage) : list.page * list.perPage
        let limit = oldestFirst ? min(list.perPage, max(0, total - list.page * list.perPage)) : list.perPage
        var found = limit == 0 ? [] : try await invitations.invitations(of: organization, offset: offset, limit: limit)
        if oldestFirst { found.reverse() }
        var items: [JSONValue] = []
        for invitation in found { items.append(Self.filtered(try await json(invitation, tenant: tenant), list)) }
        return await ListAnswer.page(items, list, key: "invitations") { total }
    }

    public func invitation(_ id: String, invitationID: String, _ query: QueryParameters, tenant: Tenant,
                           caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:organization_invitations")
        try query.requireOnly(["fields", "include_fields"])
        let list = try ListParameters(query, knownFields: Self.invitationFields)
        let organization = try await organization(id, tenant: tenant)
        let invitation = try await Self.mapping {
            try await invitations.invitation(id: invitationID, organizationID: organization.id, in: tenant.config)
        }
        return ManagementResponse(Self.filtered(try await json(invitation, tenant: tenant), list))
    }

    /// `POST …/invitations`: 201 with `invitation_url`, the only time the ticket is shown.
    public func invite(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:organization_invitations")
        let (wanted, sendEmail) = try InvitationBody.invitation(body)
        let (invitation, ticket) = try await Self.mapping {
            try await invitations.create(wanted, organizationID: id, in: tenant.config, by: caller.actor, context: request)
        }
        let organization = try await organization(invitation.organizationID, tenant: tenant)
        let url = InvitationLink.url(issuer: tenant.issuer.text, ticket: ticket, organization: organization)
        if sendEmail { await invitationMailer?.sendInvitation(invitation, organization: organization, url: url, tenant: tenant) }
        let roleIDs = try await roleIDs(invitation, tenant: tenant)
        return ManagementResponse(status: 201, InvitationRepresentation.json(invitation, roleIDs: roleIDs, link: (url, ticket)))
    }

    /// `DELETE …/invitations/{invitation_id}`: 204; the link then says it was revoked.
    public func revokeInvitation(_ id: String, invitationID: String, tenant: Tenant, caller: ManagementCaller,
                                 request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:organization_invitations")
        let organization = try await organization(id, tenant: tenant)
        try await Self.mapping {
            try await invitations.revoke(id: invitationID, organizationID: organization.id, in: tenant.config,
                                         by: caller.actor, context: request)
        }
        return .noContent
    }

    private func json(_ invitation: Invitation, tenant: Tenant) async throws -> JSONValue {
        InvitationRepresentation.json(invitation, roleIDs: try await roleIDs(invitation, tenant: tenant))
    }

    /// Roles are stored by name; a role deleted since keeps its name here.
    private func roleIDs(_ invitation: Invitation, tenant: Tenant) async throws -> [String] {
        var ids: [String] = []
        for name in invitation.roles { ids.append(try await roles.role(named: name, in: tenant.config)?.id ?? name) }
        return ids
    }

    private static func filtered(_ value: JSONValue, _ list: ListParameters) -> JSONValue {
        guard case .object(let object) = value else { return value }
        return .object(object.filter { list.includes($0.key) })
    }
}
