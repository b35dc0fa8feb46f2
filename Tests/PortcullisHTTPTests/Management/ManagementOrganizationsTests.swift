import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import Testing

/// Organizations through the management API: create with branding, metadata and enabled
/// connections; read by id, name, page and checkpoint; change; members and their roles; enabled
/// connections; delete with everything hanging off it — each change in the logs.
@Suite("Management API organizations")
struct ManagementOrganizationsTests {
    static let connection = "Username-Password-Authentication"

    static func newUser(_ api: ManagementClient, _ email: String) async throws -> String {
        let created = try await api.send(.post, "/users", json: [
            "connection": .string(connection), "email": .string(email), "password": "a-long-unusual-passphrase",
        ])
        return try #require(created.json["user_id"]?.stringValue, "\(created.json)")
    }

    @Test func organizationFromCreationToDeletion() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let created = try await api.send(.post, "/organizations", json: [
                "name": "wayne", "display_name": "Wayne Enterprises",
                "branding": ["logo_url": "https://wayne.example/logo.png", "colors": ["primary": "#0059D6", "page_background": "#fff"]],
                "metadata": ["tier": "gold"],
                "enabled_connections": [["connection_id": .string(Self.connection), "assign_membership_on_login": true]],
            ])
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id.hasPrefix("org_"))
            #expect(created.json["branding"]?["colors"]?["primary"] == "#0059d6")
            #expect(created.json["metadata"] == ["tier": "gold"])
            let enabled = created.json["enabled_connections"]?.arrayValue?.first
            #expect(enabled?["connection_id"]?.stringValue == Self.connection)
            #expect(enabled?["assign_membership_on_login"] == true)
            #expect(enabled?["connection"]?["strategy"] == "auth0")

            // Refusals name what is wrong and store nothing.
            let duplicate = try await api.send(.post, "/organizations", json: ["name": "wayne"])
            expectManagementError(duplicate, 409, "organization_conflict")
            expectManagementError(try await api.send(.post, "/organizations", json: ["name": "Wayne Corp"]), 400, "invalid_body")
            let plainLogo = try await api.send(.post, "/organizations", json: [
                "name": "stark", "branding": ["logo_url": "http://stark.example/logo.png"],
            ])
            expectManagementError(plainLogo, 400, "invalid_body")
            #expect(plainLogo.json["message"]?.stringValue?.contains("logo_url") == true)
            expectManagementError(try await api.send(.post, "/organizations", json: [
                "name": "stark", "branding": ["colors": ["primary": "red"]],
            ]), 400, "invalid_body")
            expectManagementError(try await api.send(.post, "/organizations", json: [
                "name": "stark", "enabled_connections": [["connection_id": "github"]],
            ]), 404, "inexistent_connection")
            expectManagementError(try await api.send(.post, "/organizations", json: ["name": "stark", "token_quota": [:]]),
                                  400, "invalid_body")
            let manyKeys = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<26).map { ("k\($0)", JSONValue.string("v")) }))
            expectManagementError(try await api.send(.post, "/organizations", json: ["name": "stark", "metadata": manyKeys]),
                                  400, "invalid_body")

            // Read by id, by name (any case), by page and from a checkpoint.
            #expect(try await api.send(.get, "/organizations/\(id)").json["display_name"] == "Wayne Enterprises")
            #expect(try await api.send(.get, "/organizations/name/WAYNE").json["id"]?.stringValue == id)
            expectManagementError(try await api.send(.get, "/organizations/name/\(id)"), 404, "inexistent_organization")
            expectManagementError(try await api.send(.get, "/organizations/org_missing"), 404, "inexistent_organization")
            for name in ["acme", "stark"] {
                #expect(try await api.send(.post, "/organizations", json: ["name": .string(name)]).status == .created)
            }
            let page = try await api.send(.get, "/organizations?page=1&per_page=2&include_totals=true")
            #expect(page.json["total"] == 3)
            #expect(page.json["organizations"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["wayne"])
            var seen: [String] = []
            var next: String? = ""
            while let from = next {
                let answer = try await api.send(.get, "/organizations?take=2&from=\(from)")
                seen += answer.json["organizations"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                next = answer.json["next"]?.stringValue
            }
            #expect(seen.sorted() == ["acme", "stark", "wayne"])

            // Changes: rename, metadata merged (null removes), display name and branding cleared.
            let patched = try await api.send(.patch, "/organizations/\(id)", json: [
                "name": "wayne-enterprises", "display_name": .null, "branding": .null, "metadata": ["tier": .null, "region": "eu"],
            ])
            #expect(patched.status == .ok, "\(patched.json)")
            #expect(patched.json["name"] == "wayne-enterprises")
            #expect(patched.json["display_name"] == nil)
            #expect(patched.json["branding"] == nil)
            #expect(patched.json["metadata"] == ["region": "eu"])
            expectManagementError(try await api.send(.patch, "/organizations/\(id)", json: ["name": "stark"]), 409,
                                  "organization_conflict")

            // Members, with their roles in the organization.
            let bruce = try await Self.newUser(api, "bruce@example.com")
            let alfred = try await Self.newUser(api, "alfred@example.com")
            let members = "/organizations/\(id)/members"
            #expect(try await api.send(.post, members, json: ["members": [.string(bruce), .string(alfred)]]).status == .noContent)
            expectManagementError(try await api.send(.post, members, json: ["members": ["auth0|nobody"]]), 404, "inexistent_user")
            let listed = try await api.send(.get, members + "?include_totals=true")
            #expect(listed.json["total"] == 2)
            #expect(Set(listed.json["members"]?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? [])
                == ["bruce@example.com", "alfred@example.com"])
            let rolesPath = "\(members)/\(ManagementClient.query(bruce))/roles"
            #expect(try await api.send(.post, rolesPath, json: ["roles": ["admin"]]).status == .noContent)
            #expect(try await api.send(.get, rolesPath).json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["admin"])
            // Organization roles are not tenant-wide roles.
            #expect(try await api.send(.get, ManagementClient.path(bruce) + "/roles").json.arrayValue?.isEmpty == true)
            let withRoles = try await api.send(.get, members + "?fields=user_id,roles&include_fields=true")
            let bruceEntry = withRoles.json.arrayValue?.first { $0["user_id"]?.stringValue == bruce }
            #expect(bruceEntry?["roles"]?.arrayValue?.first?["name"] == "admin")
            #expect(bruceEntry?["email"] == nil)
            var checkpoint: [String] = []
            var after: String? = ""
            while let from = after {
                let answer = try await api.send(.get, members + "?take=1&from=\(ManagementClient.query(from))")
                checkpoint += answer.json["members"]?.arrayValue?.compactMap { $0["user_id"]?.stringValue } ?? []
                after = answer.json["next"]?.stringValue
            }
            #expect(Set(checkpoint) == [bruce, alfred])
            #expect(try await api.send(.delete, rolesPath, json: ["roles": ["admin"]]).status == .noContent)
            #expect(try await api.send(.get, rolesPath).json.arrayValue?.isEmpty == true)
            #expect(try await api.send(.delete, members, json: ["members": [.string(alfred)]]).status == .noContent)
            let alfredRoles = "\(members)/\(ManagementClient.query(alfred))/roles"
            expectManagementError(try await api.send(.post, alfredRoles, json: ["roles": ["admin"]]), 400, "invalid_body")

            // Enabled connections.
            let connections = "/organizations/\(id)/enabled_connections"
            let one = "\(connections)/\(ManagementClient.query(Self.connection))"
            #expect(try await api.send(.get, connections).json.arrayValue?.count == 1)
            expectManagementError(try await api.send(.post, connections, json: ["connection_id": .string(Self.connection)]),
                                  409, "connection_conflict")
            expectManagementError(try await api.send(.patch, one, json: ["assign_membership_on_login": false, "is_signup_enabled": true]),
                                  400, "invalid_body")
            let changed = try await api.send(.patch, one, json: ["is_signup_enabled": true, "show_as_button": false])
            #expect(changed.status == .ok, "\(changed.json)")
            #expect(changed.json["is_signup_enabled"] == true)
            #expect(changed.json["assign_membership_on_login"] == true)
            #expect(try await api.send(.get, one).json["show_as_button"] == false)
            #expect(try await api.send(.delete, one).status == .noContent)
            expectManagementError(try await api.send(.get, one), 404, "inexistent_organization_connection")
            expectManagementError(try await api.send(.delete, one), 404, "inexistent_organization_connection")
            let enabledAgain = try await api.send(.post, connections, json: ["connection_id": .string(Self.connection)])
            #expect(enabledAgain.status == .created)
            #expect(enabledAgain.json["show_as_button"] == true)

            // Deleting takes the memberships with it; every step is in the logs.
            #expect(try await api.send(.delete, "/organizations/\(id)").status == .noContent)
            expectManagementError(try await api.send(.get, "/organizations/\(id)"), 404, "inexistent_organization")
            expectManagementError(try await api.send(.get, members), 404, "inexistent_organization")
            let logs = try await api.send(.get, "/logs?per_page=100")
            let descriptions = Set(logs.json.arrayValue?.compactMap { $0["description"]?.stringValue } ?? [])
            for expected in ["Create an Organization", "Update an Organization", "Delete an Organization",
                             "Add an Organization member", "Remove an Organization member", "Assign a Role",
                             "Enable a connection for an Organization", "Update an Organization's connection",
                             "Disable a connection for an Organization"] {
                #expect(descriptions.contains(expected), "no log: \(expected)")
            }
        }
    }

    @Test func theAuditorReadsButCannotChangeOrganizations() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let admin = try await ManagementClient.signedIn(client)
            let id = try #require(try await admin.send(.post, "/organizations", json: ["name": "wayne"]).json["id"]?.stringValue)
            let auditor = try await ManagementClient.signedIn(client, as: ManagementClient.auditor)
            #expect(try await auditor.send(.get, "/organizations").status == .ok)
            #expect(try await auditor.send(.get, "/organizations/\(id)/members").status == .ok)
            #expect(try await auditor.send(.get, "/organizations/\(id)/enabled_connections").status == .ok)
            expectManagementError(try await auditor.send(.post, "/organizations", json: ["name": "stark"]), 403, "insufficient_scope")
            expectManagementError(try await auditor.send(.delete, "/organizations/\(id)"), 403, "insufficient_scope")
            expectManagementError(try await auditor.send(.post, "/organizations/\(id)/members", json: ["members": ["auth0|x"]]),
                                  403, "insufficient_scope")
        }
    }
}
