import Foundation
import PortcullisAccounts
import PortcullisCrypto
import PortcullisStore
import Testing

/// The invitation service on the example tenant: what an invitation may name, its ticket, and
/// acceptance — once, by the invited address, within its lifetime.
@Suite("Invitation service")
struct InvitationServiceTests {
    static let connection = "Username-Password-Authentication"

    static func setUp() async throws -> (TestServer, InvitationService, Organization) {
        let server = try await TestServer()
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"]).config
        let (organization, _) = try await OrganizationService(storage: server.storage).create(
            OrganizationFields(name: "wayne"), connections: [(connection, OrganizationConnectionOptions())], in: tenant,
            by: .system)
        return (server, InvitationService(storage: server.storage), organization)
    }

    static func request(_ email: String = "bruce@example.com", client: String = "acme-spa", roles: [String] = ["admin"],
                        lifetime: Int = 0) -> InvitationService.Request {
        InvitationService.Request(inviterName: "Alfred", inviteeEmail: email, clientID: client, roleIDs: roles,
                                  appMetadataJSON: #"{"plan":"gold"}"#, lifetime: lifetime)
    }

    @Test func whatAnInvitationMayNameIsCheckedBeforeAnythingIsStored() async throws {
        let (server, invitations, organization) = try await Self.setUp()
        defer { server.remove() }
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"]).config
        func refused(_ request: InvitationService.Request, _ organizationID: String? = nil) async -> Bool {
            (try? await invitations.create(request, organizationID: organizationID ?? organization.id, in: tenant,
                                           by: .system)) == nil
        }
        #expect(await refused(Self.request("not-an-address")))
        #expect(await refused(Self.request(client: "no-such-client")))
        #expect(await refused(Self.request(client: "acme-worker")), "a machine client logs nobody in")
        #expect(await refused(Self.request(roles: ["rol_missing"])))
        #expect(await refused(Self.request(lifetime: 31 * 24 * 3600)))
        #expect(await refused(Self.request(lifetime: -1)))
        #expect(await refused(Self.request(), "org_missing"))
        var noName = Self.request()
        noName.inviterName = "  "
        #expect(await refused(noName))
        #expect(try await invitations.invitationCount(of: organization) == 0)

        // Not enabled for the organization: the invitee could not log in to it.
        _ = try await OrganizationService(storage: server.storage).disableConnection(Self.connection, for: organization.id,
                                                                                    in: tenant, by: .system)
        #expect(await refused(Self.request()))
    }

    @Test func anInvitationIsAcceptedOnceByTheInviteeWithinItsLifetime() async throws {
        let (server, invitations, organization) = try await Self.setUp()
        defer { server.remove() }
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"]).config
        let now = Date()
        let (invitation, ticket) = try await invitations.create(Self.request(lifetime: 3600), organizationID: organization.id,
                                                                in: tenant, by: .system, now: now)
        #expect(invitation.ticketDigest == SecretDigest(of: ticket).hex)
        #expect(invitation.ticketDigest != ticket)
        #expect(invitation.connection == Self.connection)
        #expect(invitation.roles == ["admin"])
        #expect(invitation.expiresAt == now.addingTimeInterval(3600))
        #expect(try await invitations.usable(ticket: ticket, in: tenant, now: now).id == invitation.id)
        await #expect(throws: InvitationRefusal.expired) {
            _ = try await invitations.usable(ticket: ticket, in: tenant, now: now.addingTimeInterval(3601))
        }
        await #expect(throws: InvitationRefusal.unknown) { _ = try await invitations.usable(ticket: "forged", in: tenant) }

        let stranger = try await server.createAcmeUser(email: "joker@example.com")
        await #expect(throws: OrganizationFailure.self) {
            _ = try await invitations.accept(ticket: ticket, by: stranger, in: tenant, now: now)
        }
        let bruce = try await server.createAcmeUser(email: "Bruce@Example.com")
        let accepted = try await invitations.accept(ticket: ticket, by: bruce, in: tenant, now: now)
        #expect(accepted.acceptedBy == bruce.id)
        #expect(try await server.storage.isMember(tenantID: "acme", organizationID: organization.id, userID: bruce.id))
        let roles = try await RoleService(storage: server.storage).roles(of: bruce.id, organizationID: organization.id, in: tenant)
        #expect(roles.map(\.name) == ["admin"])
        #expect(try await server.storage.user(tenantID: "acme", id: bruce.id)?.appMetadataJSON == #"{"plan":"gold"}"#)
        await #expect(throws: InvitationRefusal.used) {
            _ = try await invitations.accept(ticket: ticket, by: bruce, in: tenant, now: now)
        }
        let events = try await server.storage.recent(tenantID: "acme", limit: 20).map(\.type)
        #expect(events.contains(DomainEventKind.invitationCreated.rawValue))
        #expect(events.contains(DomainEventKind.invitationAccepted.rawValue))

        // Revoked: its link says so, and it is no longer listed.
        let (second, secondTicket) = try await invitations.create(Self.request("robin@example.com"), organizationID: organization.id,
                                                                  in: tenant, by: .system)
        try await invitations.revoke(id: second.id, organizationID: organization.id, in: tenant, by: .system)
        await #expect(throws: InvitationRefusal.revoked) { _ = try await invitations.usable(ticket: secondTicket, in: tenant) }
        await #expect(throws: OrganizationFailure.noSuchInvitation(second.id)) {
            try await invitations.revoke(id: second.id, organizationID: organization.id, in: tenant, by: .system)
        }
        // Accepted: no longer pending, so no longer listed (as Auth0 removes it).
        #expect(try await invitations.invitations(of: organization, offset: 0, limit: 10).isEmpty)
    }
}
