import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import Testing

/// Organization invitations through the management API: created with Auth0's body and answer
/// (the link and ticket shown once), checked before anything is stored, emailed, listed, read and
/// revoked — each in the logs.
@Suite("Management API invitations")
struct ManagementInvitationsTests {
    static let connection = ManagementOrganizationsTests.connection

    /// An organization with the example's database connection enabled; returns its id.
    static func organization(_ api: ManagementClient, _ name: String) async throws -> String {
        let created = try await api.send(.post, "/organizations", json: [
            "name": .string(name), "display_name": "Wayne Enterprises",
            "enabled_connections": [["connection_id": .string(connection)]],
        ])
        return try #require(created.json["id"]?.stringValue, "\(created.json)")
    }

    /// Auth0's timestamps: ISO 8601 with milliseconds.
    static func date(_ value: JSONValue) -> Date? {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return value.stringValue.flatMap { format.date(from: $0) }
    }

    static func body(_ email: String, client: String = "acme-web", extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(["inviter": ["name": "Bruce"], "invitee": ["email": .string(email)], "client_id": .string(client)]
            .merging(extra) { _, new in new })
    }

    @Test func invitationFromCreationToRevocation() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let (services, mailbox) = try await EmailLinkFlowTests().services(server)
        try await server.application(services: services).test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let organization = try await Self.organization(api, "wayne")
            let path = "/organizations/\(organization)/invitations"
            let created = try await api.send(.post, path, json: Self.body("jane@example.com", extra: [
                "roles": ["viewer"], "app_metadata": ["plan": "gold"], "user_metadata": ["lang": "de"], "ttl_sec": 3600,
            ]))
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id.hasPrefix("uinv_"))
            #expect(created.json["organization_id"]?.stringValue == organization)
            #expect(created.json["inviter"] == ["name": "Bruce"])
            #expect(created.json["invitee"] == ["email": "jane@example.com"])
            #expect(created.json["connection_id"]?.stringValue == Self.connection, "the client's database connection by default")
            #expect(created.json["roles"] == ["viewer"])
            #expect(created.json["app_metadata"] == ["plan": "gold"])
            let ticket = try #require(created.json["ticket_id"]?.stringValue)
            let url = try #require(created.json["invitation_url"]?.stringValue)
            #expect(url == "http://localhost/acme/u/invitation?invitation=\(ticket)&organization=\(organization)&organization_name=wayne")
            let createdAt = try #require(created.json["created_at"].flatMap(Self.date))
            let expiresAt = try #require(created.json["expires_at"].flatMap(Self.date))
            #expect(abs(expiresAt.timeIntervalSince(createdAt) - 3600) < 1)

            // The email carries the same link.
            try await EmailLinkFlowTests().waitFor(mailbox, count: 1)
            let mail = EmailLinkFlowTests.Mailbox.decodeQuotedPrintable(
                try String(contentsOfFile: mailbox.directory + "/" + (mailbox.messages.last ?? ""), encoding: .utf8))
            #expect(mail.contains("Subject: Bruce invited you to join Wayne Enterprises"))
            #expect(mail.contains(url))
            #expect(mail.contains("To: jane@example.com"))

            // No email when asked not to; ttl_sec 0 means 7 days.
            let quiet = try await api.send(.post, path, json: Self.body("joan@example.com", extra: [
                "send_invitation_email": false, "ttl_sec": 0,
            ]))
            #expect(quiet.status == .created)
            let quietCreated = try #require(quiet.json["created_at"].flatMap(Self.date))
            let quietExpires = try #require(quiet.json["expires_at"].flatMap(Self.date))
            #expect(abs(quietExpires.timeIntervalSince(quietCreated) - 7 * 86400) < 1)
            try await Task.sleep(for: .milliseconds(300))
            #expect(mailbox.count == 1)

            // Refusals name what is wrong and store nothing.
            for (bad, code): (JSONValue, String) in [
                (["invitee": ["email": "x@example.com"], "client_id": "acme-web"], "invalid_body"),
                (Self.body("not-an-address"), "invalid_body"),
                (Self.body("x@example.com", client: "nobody"), "invalid_body"),
                (Self.body("x@example.com", client: "acme-worker"), "invalid_body"),
                (Self.body("x@example.com", extra: ["ttl_sec": 2_592_001]), "invalid_body"),
                (Self.body("x@example.com", extra: ["ttl_sec": "soon"]), "invalid_body"),
                (Self.body("x@example.com", extra: ["invitee": ["email": "x@example.com", "name": "X"]]), "invalid_body"),
                (Self.body("x@example.com", extra: ["send_invitation_email": "yes"]), "invalid_body"),
                (Self.body("x@example.com", extra: ["app_metadata": ["$bad": 1]]), "invalid_body"),
                (Self.body("x@example.com", extra: ["organization_id": "org_x"]), "invalid_body"),
            ] {
                expectManagementError(try await api.send(.post, path, json: bad), 400, code)
            }
            expectManagementError(try await api.send(.post, path, json: Self.body("x@example.com", extra: ["roles": ["rol_missing"]])),
                                  404)
            expectManagementError(try await api.send(.post, "/organizations/org_missing/invitations", json: Self.body("x@example.com")),
                                  404, "inexistent_organization")
            let disabled = try await api.send(.delete, "/organizations/\(organization)/enabled_connections/\(Self.connection)")
            #expect(disabled.status == .noContent)
            expectManagementError(try await api.send(.post, path, json: Self.body("x@example.com")),
                                  404, "inexistent_organization_connection")

            // Listed newest first (or oldest first), paged with totals; read without the link.
            let listed = try await api.send(.get, "\(path)?include_totals=true&per_page=1")
            #expect(listed.json["total"] == 2)
            #expect(listed.json["invitations"]?.arrayValue?.first?["invitee"]?["email"] == "joan@example.com")
            let oldest = try await api.send(.get, "\(path)?sort=created_at:1&fields=id,invitee")
            #expect(oldest.json.arrayValue?.compactMap { $0["invitee"]?["email"]?.stringValue } == ["jane@example.com", "joan@example.com"])
            #expect(oldest.json.arrayValue?.first?["roles"] == nil, "only the fields asked for")
            expectManagementError(try await api.send(.get, "\(path)?sort=name:1"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "\(path)?fields=ticket"), 400, "invalid_query_string")
            let read = try await api.send(.get, "\(path)/\(id)")
            #expect(read.json["id"]?.stringValue == id)
            #expect(read.json["invitation_url"] == nil && read.json["ticket_id"] == nil, "the ticket is stored as a digest only")

            // The auditor reads but does not invite or revoke.
            let auditor = try await ManagementClient.signedIn(client, as: ManagementClient.auditor)
            #expect(try await auditor.send(.get, path).status == .ok)
            expectManagementError(try await auditor.send(.post, path, json: Self.body("y@example.com")), 403, "insufficient_scope")
            expectManagementError(try await auditor.send(.delete, "\(path)/\(id)"), 403, "insufficient_scope")

            // Revoked: gone from the API.
            #expect(try await api.send(.delete, "\(path)/\(id)").status == .noContent)
            expectManagementError(try await api.send(.delete, "\(path)/\(id)"), 404, "inexistent_invitation")
            expectManagementError(try await api.send(.get, "\(path)/\(id)"), 404, "inexistent_invitation")
            #expect(try await api.send(.get, "\(path)?include_totals=true").json["total"] == 1)

            let logs = try await api.send(.get, "/logs?per_page=100").json.arrayValue ?? []
            let descriptions = logs.compactMap { $0["description"]?.stringValue }
            #expect(descriptions.filter { $0 == "Create an Organization invitation" }.count == 2)
            #expect(descriptions.contains("Delete an Organization invitation"))
        }
    }
}
