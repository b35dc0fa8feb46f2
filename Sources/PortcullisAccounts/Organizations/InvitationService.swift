import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Invitations to organizations — created by the management API, accepted on the hosted pages;
/// one implementation for both. The ticket is returned once, to put in the link; only its digest
/// is stored.
public struct InvitationService: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    /// Auth0's defaults: 7 days unless asked, at most 30.
    public static let defaultLifetime: TimeInterval = 7 * 24 * 3600
    public static let maximumLifetime: TimeInterval = 30 * 24 * 3600
    public static let maximumInviterNameLength = 300

    /// What the inviter asks for.
    public struct Request: Sendable, Equatable {
        public var inviterName: String
        public var inviteeEmail: String
        public var clientID: String
        public var connection: String?
        /// Role ids (`rol_…` or a configured role's name).
        public var roleIDs: [String]
        public var appMetadataJSON: String
        public var userMetadataJSON: String
        /// Seconds; 0 means the default.
        public var lifetime: Int

        public init(inviterName: String, inviteeEmail: String, clientID: String, connection: String? = nil,
                    roleIDs: [String] = [], appMetadataJSON: String = "{}", userMetadataJSON: String = "{}", lifetime: Int = 0) {
            self.inviterName = inviterName
            self.inviteeEmail = inviteeEmail
            self.clientID = clientID
            self.connection = connection
            self.roleIDs = roleIDs
            self.appMetadataJSON = appMetadataJSON
            self.userMetadataJSON = userMetadataJSON
            self.lifetime = lifetime
        }
    }

    /// Creates an invitation. The client must exist and use the code flow, the connection (given,
    /// or the client's first database connection) must be one the organization has enabled, and
    /// every role must exist — checked before anything is stored.
    /// - Returns: the invitation and its ticket (shown once, in `invitation_url`).
    public func create(_ request: Request, organizationID: String, in tenant: TenantConfig, by actor: EventParty,
                       context: EventRequestContext? = nil, now: Date = Date()) async throws -> (Invitation, ticket: String) {
        let organization = try await OrganizationService(storage: storage).organization(id: organizationID, in: tenant)
        let inviter = request.inviterName.trimmingCharacters(in: .whitespaces)
        guard (1...Self.maximumInviterNameLength).contains(inviter.count),
              !inviter.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw OrganizationFailure.invalid("inviter.name must be 1 to \(Self.maximumInviterNameLength) characters")
        }
        guard EmailAddressCheck.isPlausible(request.inviteeEmail) else {
            throw OrganizationFailure.invalid("invitee.email is not an email address")
        }
        guard let client = tenant.clients.first(where: { $0.clientID.value == request.clientID }) else {
            throw OrganizationFailure.invalid("client_id names no client of this tenant")
        }
        guard client.grantTypes.contains(.authorizationCode) else {
            throw OrganizationFailure.invalid("client \(request.clientID) does not log users in (no authorization_code grant)")
        }
        let databases = Set(tenant.connections.filter { $0.type == .database }.map(\.name.value))
        let connection = request.connection ?? client.connections.map(\.value.value).first { databases.contains($0) }
        guard let connection else { throw OrganizationFailure.invalid("client \(request.clientID) has no connection") }
        guard client.connections.contains(where: { $0.value.value == connection }) else {
            throw OrganizationFailure.invalid("connection \(connection) is not enabled for client \(request.clientID)")
        }
        let enabled = try await storage.enabledConnections(tenantID: organization.tenantID, organizationID: organization.id)
        guard enabled.contains(where: { $0.connection == connection }) else {
            throw OrganizationFailure.connectionNotEnabled(connection)
        }
        guard request.lifetime >= 0, TimeInterval(request.lifetime) <= Self.maximumLifetime else {
            throw OrganizationFailure.invalid("ttl_sec must be 0 to \(Int(Self.maximumLifetime)) seconds")
        }
        let roles = RoleService(storage: storage)
        var names: [String] = []
        for id in request.roleIDs { names.append(try await roles.role(id: id, in: tenant).name) }
        let ticket = RandomToken.make()
        let lifetime = request.lifetime == 0 ? Self.defaultLifetime : TimeInterval(request.lifetime)
        let invitation = Invitation(
            tenantID: organization.tenantID, organizationID: organization.id, inviterName: inviter,
            inviteeEmail: request.inviteeEmail, clientID: request.clientID, connection: connection, roles: names,
            appMetadataJSON: request.appMetadataJSON, userMetadataJSON: request.userMetadataJSON,
            ticketDigest: SecretDigest(of: ticket).hex, createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        let event = DomainEvent(.invitationCreated, tenantID: organization.tenantID, subject: .organization(organization.id),
                                actor: actor, request: context, at: now, details: [
                                    "organization": organization.name, "invitation_id": invitation.id,
                                    "client_id": invitation.clientID, "roles": names.joined(separator: " "),
                                ])
        try await storage.createInvitation(invitation, events: [event])
        return (invitation, ticket)
    }

    /// - Throws: ``OrganizationFailure/noSuchInvitation(_:)``.
    public func invitation(id: String, organizationID: String, in tenant: TenantConfig) async throws -> Invitation {
        guard let found = try await storage.invitation(tenantID: tenant.id.value, organizationID: organizationID, id: id) else {
            throw OrganizationFailure.noSuchInvitation(id)
        }
        return found
    }

    public func invitations(of organization: Organization, offset: Int, limit: Int) async throws -> [Invitation] {
        try await storage.invitations(tenantID: organization.tenantID, organizationID: organization.id, offset: offset, limit: limit)
    }

    public func invitationCount(of organization: Organization) async throws -> Int {
        try await storage.invitationCount(tenantID: organization.tenantID, organizationID: organization.id)
    }

    /// Revokes an invitation: its link then says so.
    public func revoke(id: String, organizationID: String, in tenant: TenantConfig, by actor: EventParty,
                       context: EventRequestContext? = nil, now: Date = Date()) async throws {
        let invitation = try await invitation(id: id, organizationID: organizationID, in: tenant)
        let event = DomainEvent(.invitationRevoked, tenantID: invitation.tenantID, subject: .organization(organizationID),
                                actor: actor, request: context, at: now, details: ["invitation_id": id])
        guard try await storage.revokeInvitation(tenantID: invitation.tenantID, organizationID: organizationID, id: id,
                                                 at: now, events: [event]) else {
            throw OrganizationFailure.noSuchInvitation(id)
        }
    }

    /// The invitation a ticket names, if it can be used now.
    /// - Throws: ``InvitationRefusal``.
    public func usable(ticket: String, in tenant: TenantConfig, now: Date = Date()) async throws -> Invitation {
        guard !ticket.isEmpty, ticket.utf8.count <= 128,
              let invitation = try await storage.invitation(tenantID: tenant.id.value, ticketDigest: SecretDigest(of: ticket).hex)
        else { throw InvitationRefusal.unknown }
        if let refusal = invitation.refusal(at: now) { throw refusal }
        return invitation
    }

    /// Accepts for `user`, whose address must be the invitee's (compared without case).
    /// - Throws: ``InvitationRefusal``, or ``OrganizationFailure/invalid(_:)`` for another address.
    public func accept(ticket: String, by user: User, in tenant: TenantConfig, context: EventRequestContext? = nil,
                       now: Date = Date()) async throws -> Invitation {
        let invitation = try await usable(ticket: ticket, in: tenant, now: now)
        guard user.email.lowercased() == invitation.inviteeEmail.lowercased() else {
            throw OrganizationFailure.invalid("the invitation is for another email address")
        }
        let event = DomainEvent(.invitationAccepted, tenantID: user.tenantID, subject: .user(user.id), actor: .user(user.id),
                                request: context, at: now, details: [
                                    "organization_id": invitation.organizationID, "invitation_id": invitation.id,
                                    "roles": invitation.roles.joined(separator: " "),
                                ])
        return try await storage.acceptInvitation(tenantID: user.tenantID, ticketDigest: invitation.ticketDigest,
                                                  userID: user.id, at: now, events: [event])
    }
}
