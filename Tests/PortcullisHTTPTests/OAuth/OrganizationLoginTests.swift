import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisStore
import Testing

@testable import PortcullisHTTP

/// Logging in to an organization: only through its enabled connections, and a connection that
/// assigns membership makes the user a member at login — never at a refresh.
@Suite("Organization login rules")
struct OrganizationLoginTests {
    @Test func aConnectionNotEnabledForTheOrganizationCannotLogInToIt() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await server.createAcmeUser()
        let organization = Organization(tenantID: "acme", name: "wayne", createdAt: Date())
        try await server.storage.createOrganization(organization)
        _ = try await server.storage.addMember(tenantID: "acme", organizationID: organization.id, userID: user.id, at: Date())
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            _ = try await rp.spaTokens()
            let pkce = RelyingParty.pkce()
            let refused = try await rp.get("/acme/authorize?" + RelyingParty.query(
                RelyingParty.spaRequest(state: "c", challenge: pkce.challenge, [("organization", "wayne")])))
            let answer = RelyingParty.parameters(of: refused.headers[.location])
            #expect(answer["error"] == "access_denied")
            #expect(answer["error_description"]?.contains("not enabled for organization wayne") == true)
        }
    }

    @Test func assignMembershipOnLoginAddsTheMemberWithItsEventButARefreshDoesNot() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await server.createAcmeUser()
        let joining = Organization(tenantID: "acme", name: "wayne", createdAt: Date())
        let closed = Organization(tenantID: "acme", name: "stark", createdAt: Date())
        try await server.storage.createOrganization(joining, connections: [OrganizationConnection(
            tenantID: "acme", organizationID: joining.id, connection: user.connection, assignMembershipOnLogin: true,
            createdAt: Date())], events: [])
        try await server.storage.createOrganization(closed, connections: [OrganizationConnection(
            tenantID: "acme", organizationID: closed.id, connection: user.connection, createdAt: Date())], events: [])
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let tokens = try await rp.spaTokens(extra: [("organization", "wayne")])
            let idToken = try DecodedJWT(try #require(tokens["id_token"]?.stringValue))
            #expect(idToken.claims["org_id"]?.stringValue == joining.id)
            #expect(try await server.storage.isMember(tenantID: "acme", organizationID: joining.id, userID: user.id))
            let events = try await server.storage.recent(tenantID: "acme", limit: 50)
            #expect(events.contains { $0.type == DomainEventKind.memberAdded.rawValue
                && $0.details["via"] == "assign_membership_on_login" })

            // The same connection of another organization that does not assign membership.
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            let denied = try await rp.refresh(refresh, [("organization", "stark")])
            #expect(denied.status == .badRequest)
            #expect(denied.json["error"]?.stringValue == "invalid_grant")
            #expect(try await server.storage.isMember(tenantID: "acme", organizationID: closed.id, userID: user.id) == false)
        }
    }

    @Test func theLoginPageOfAnOrganizationShowsItsNameLogoAndColours() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let organization = Organization(
            tenantID: "acme", name: "wayne", displayName: "Wayne Enterprises",
            branding: OrganizationBranding(logoURL: "https://wayne.example/logo.png", primaryColor: "#123456"),
            createdAt: Date())
        try await server.storage.createOrganization(organization)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let pkce = RelyingParty.pkce()
            let authorize = try await rp.get("/acme/authorize?" + RelyingParty.query(
                RelyingParty.spaRequest(state: "b", challenge: pkce.challenge, [("organization", "wayne")])))
            let location = try #require(authorize.headers[.location])
            #expect(RelyingParty.parameters(of: location)["organization"] == "wayne")
            let page = String(buffer: try await rp.get(location).body)
            #expect(page.contains("Wayne Enterprises"))
            #expect(page.contains("https://wayne.example/logo.png"))
            #expect(page.contains("#123456"))
            #expect(page.contains(#"name="organization" value="\#(organization.id)""#))
            // Without the organization, the tenant's own look.
            let plain = String(buffer: try await rp.get("/acme/u/login").body)
            #expect(!plain.contains("Wayne Enterprises"))
            #expect(!plain.contains("#123456"))
        }
    }
}
