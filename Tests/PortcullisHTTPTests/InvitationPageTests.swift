import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisAccounts
import PortcullisCore
import PortcullisStore
import Testing

/// `{issuer}/u/invitation`: signing up or logging in with the invited address joins the
/// organization once, then goes on to the client's `initiate_login_uri`; every ticket that cannot
/// be used gets its own page, and nothing changes.
@Suite("Invitation pages")
struct InvitationPageTests {
    let flows = LoginFlowTests()
    static let passphrase = "a-long-unusual-passphrase"

    /// An invitation's link below the tenant, as the browser opens it.
    static func path(_ ticket: String) -> String { "/acme/u/invitation?invitation=\(ticket)" }

    func invite(_ server: TestServer, _ invitations: InvitationService, _ organization: Organization, _ email: String,
                client: String = "acme-web", now: Date = Date()) async throws -> String {
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"]).config
        var request = InvitationServiceTests.request(email, client: client, roles: ["viewer"])
        request.userMetadataJSON = #"{"lang":"de"}"#
        return try await invitations.create(request, organizationID: organization.id, in: tenant, by: .system, now: now).ticket
    }

    @Test func signingUpJoinsOnceAndGoesOnToTheApplication() async throws {
        let (server, invitations, organization) = try await InvitationServiceTests.setUp()
        defer { server.remove() }
        let ticket = try await invite(server, invitations, organization, "jane@example.com")
        try await server.application().test(.router) { client in
            var browser = Browser()
            let page = try await flows.get(client, &browser, Self.path(ticket))
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Join wayne"))
            #expect(html.contains("Alfred invited you to join wayne"))
            #expect(html.contains(#"value="jane@example.com" readonly"#), "the address is fixed")
            #expect(html.contains("Create account and join"))

            // The form is CSRF-checked and the password policy applies; a refused form changes nothing.
            let forged = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", ticket)], csrf: "forged")
            #expect(forged.status == .forbidden)
            let short = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", ticket), ("password", "short")])
            #expect(short.status == .badRequest)
            #expect(try await server.storage.user(tenantID: "acme", connection: InvitationServiceTests.connection,
                                                  email: "jane@example.com") == nil)

            // An address typed into the form is ignored: the invitation's is used.
            let joined = try await flows.post(client, &browser, "/acme/u/invitation", [
                ("invitation", ticket), ("email", "mallory@example.com"), ("name", "Jane Doe"), ("password", Self.passphrase),
            ])
            #expect(joined.status == .seeOther)
            let location = try #require(joined.headers[.location])
            #expect(location == "http://127.0.0.1:8081/login?invitation=\(ticket)&organization=\(organization.id)&organization_name=wayne")
            #expect(browser.cookies["portcullis_session"] != nil, "logged in")
            let user = try #require(try await server.storage.user(tenantID: "acme", connection: InvitationServiceTests.connection,
                                                                  email: "jane@example.com"))
            #expect(user.emailVerified, "the link reached the address")
            #expect(user.name == "Jane Doe")
            #expect(user.appMetadataJSON == #"{"plan":"gold"}"#)
            #expect(user.userMetadataJSON == #"{"lang":"de"}"#)
            #expect(try await server.storage.isMember(tenantID: "acme", organizationID: organization.id, userID: user.id))
            let roles = try await server.storage.roleAssignments(tenantID: "acme", userID: user.id)
            #expect(roles.map(\.role) == ["viewer"] && roles.first?.organizationID == organization.id)
            #expect(try await server.storage.user(tenantID: "acme", connection: InvitationServiceTests.connection,
                                                  email: "mallory@example.com") == nil)

            // Once only: the link now says so, and a second POST changes nothing.
            let again = try await flows.get(client, &browser, Self.path(ticket))
            #expect(again.status == .gone)
            #expect(String(buffer: again.body).contains("already been accepted"))
            let replay = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", ticket), ("password", Self.passphrase)])
            #expect(replay.status == .gone)
        }
    }

    @Test func anExistingAccountLogsInToJoin() async throws {
        let (server, invitations, organization) = try await InvitationServiceTests.setUp()
        defer { server.remove() }
        let alice = try await flows.createUser(server)
        // acme-spa has no initiate_login_uri: the page says the invitee joined.
        let ticket = try await invite(server, invitations, organization, "ALICE@example.com", client: "acme-spa")
        try await server.application().test(.router) { client in
            var browser = Browser()
            let page = String(buffer: try await flows.get(client, &browser, Self.path(ticket)).body)
            #expect(page.contains("Log in and join"))
            #expect(!page.contains("new-password"))
            let wrong = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", ticket), ("password", "wrong-password!")])
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("Wrong email or password."))
            #expect(!(try await server.storage.isMember(tenantID: "acme", organizationID: organization.id, userID: alice.id)))
            let joined = try await flows.post(client, &browser, "/acme/u/invitation",
                                              [("invitation", ticket), ("password", LoginFlowTests.password)])
            #expect(joined.status == .ok)
            #expect(String(buffer: joined.body).contains("You are now a member of wayne."))
            #expect(try await server.storage.isMember(tenantID: "acme", organizationID: organization.id, userID: alice.id))
        }
    }

    @Test func unusableTicketsGetTheirOwnPageAndChangeNothing() async throws {
        let (server, invitations, organization) = try await InvitationServiceTests.setUp()
        defer { server.remove() }
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"]).config
        let expired = try await invite(server, invitations, organization, "old@example.com", now: Date().addingTimeInterval(-8 * 86400))
        let revoked = try await invite(server, invitations, organization, "gone@example.com")
        let revokedID = try #require(try await invitations.invitations(of: organization, offset: 0, limit: 10)
            .first { $0.inviteeEmail == "gone@example.com" }?.id)
        try await invitations.revoke(id: revokedID, organizationID: organization.id, in: tenant, by: .system)
        let valid = try await invite(server, invitations, organization, "new@example.com")
        let services = server.makeServices()
        try await server.application(services: services).test(.router) { client in
            var browser = Browser()
            for (path, status, text) in [
                (Self.path(expired), HTTPResponse.Status.gone, "has expired"),
                (Self.path(revoked), .gone, "was withdrawn"),
                (Self.path("garbled"), .notFound, "is not valid"),
                ("/acme/u/invitation", .notFound, "is not valid"),
                // Another tenant's pages do not know acme's tickets.
                ("/globex/u/invitation?invitation=\(valid)", .notFound, "is not valid"),
            ] {
                let response = try await flows.get(client, &browser, path)
                #expect(response.status == status, "\(path)")
                #expect(String(buffer: response.body).contains(text), "\(path)")
            }
            _ = try await flows.get(client, &browser, Self.path(valid))
            let posted = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", expired), ("password", Self.passphrase)])
            #expect(posted.status == .gone)
            #expect(try await server.storage.user(tenantID: "acme", connection: InvitationServiceTests.connection,
                                                  email: "old@example.com") == nil)
        }
        await services.events.flush()
        let events = try await server.storage.recent(tenantID: "acme", limit: 50)
        let reasons = events.filter { $0.type == DomainEventKind.invitationRefused.rawValue }.compactMap { $0.details["reason"] }
        #expect(Set(reasons).isSuperset(of: ["expired", "revoked", "unknown"]), "\(reasons)")
    }

    @Test func signUpNeedsTheConnectionOrTheOrganizationToAllowIt() async throws {
        let (server, invitations, organization) = try await InvitationServiceTests.setUp()
        defer { server.remove() }
        try server.edit("config/tenants/acme.yaml") { $0.replacingOccurrences(of: "signup_enabled: true", with: "signup_enabled: false") }
        _ = await server.reloader.reload(reason: "test")
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"]).config
        let ticket = try await invite(server, invitations, organization, "closed@example.com")
        try await server.application().test(.router) { client in
            var browser = Browser()
            _ = try await flows.get(client, &browser, Self.path(ticket))
            let closed = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", ticket), ("password", Self.passphrase)])
            #expect(closed.status == .forbidden)
            #expect(String(buffer: closed.body).contains("sign-up is not enabled for this organization"))
            #expect(try await server.storage.user(tenantID: "acme", connection: InvitationServiceTests.connection,
                                                  email: "closed@example.com") == nil)
            _ = try await OrganizationService(storage: server.storage).updateConnection(
                InvitationServiceTests.connection, OrganizationConnectionOptions(assignMembershipOnLogin: true, isSignupEnabled: true), for: organization.id,
                in: tenant, by: .system)
            let open = try await flows.post(client, &browser, "/acme/u/invitation", [("invitation", ticket), ("password", Self.passphrase)])
            #expect(open.status == .seeOther)
        }
    }
}
