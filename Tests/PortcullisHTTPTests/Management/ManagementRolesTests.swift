import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import Testing

/// Runtime and configured roles through the management API: create, permissions, assign, read
/// what a user holds (with sources), rename, delete with its assignments; configured roles refuse
/// writes naming their file.
@Suite("Management API roles and permissions")
struct ManagementRolesTests {
    static let api: JSONValue = "https://api.acme.test"

    static func permissions(_ names: String...) -> JSONValue {
        ["permissions": .array(names.map { ["resource_server_identifier": api, "permission_name": .string($0)] })]
    }

    @Test func runtimeRoleFromCreationToDeletion() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let configured = try #require(try await api.send(.get, "/roles").json.arrayValue)
            #expect(configured.compactMap { $0["name"]?.stringValue } == ["admin", "viewer"])
            #expect(configured.first?["managed_by"] == "configuration")

            // Created with a name no configured or runtime role has.
            let created = try await api.send(.post, "/roles", json: ["name": "editor", "description": "Edits orders"])
            #expect(created.status == .ok, "\(created.json)")
            let roleID = try #require(created.json["id"]?.stringValue)
            #expect(roleID.hasPrefix("rol_"))
            expectManagementError(try await api.send(.post, "/roles", json: ["name": "admin"]), 409, "conflict")
            expectManagementError(try await api.send(.post, "/roles", json: ["name": "editor"]), 409, "conflict")
            expectManagementError(try await api.send(.post, "/roles", json: ["name": ""]), 400, "invalid_body")
            expectManagementError(try await api.send(.post, "/roles", json: ["name": "x", "colour": "red"]), 400, "invalid_body")
            let total = try await api.send(.get, "/roles?include_totals=true&per_page=2&page=1")
            #expect(total.json["total"] == 3)
            #expect(total.json["roles"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["viewer"])
            #expect(try await api.send(.get, "/roles?name_filter=EDI").json.arrayValue?.count == 1)

            // Configured roles are read-only, with the file named.
            let refused = try await api.send(.patch, "/roles/admin", json: ["description": "x"])
            expectManagementError(refused, 409, "managed_by_configuration")
            #expect(refused.json["message"]?.stringValue?.contains("tenants/acme.yaml:") == true, "\(refused.json)")
            expectManagementError(try await api.send(.delete, "/roles/admin"), 409, "managed_by_configuration")
            expectManagementError(try await api.send(.post, "/roles/viewer/permissions", json: Self.permissions("write:orders")), 409)
            #expect(try await api.send(.get, "/roles/viewer/permissions").json.arrayValue?.count == 1)

            // Permissions must be scopes the API defines; the message names what is wrong.
            let unknown = try await api.send(.post, "/roles/\(roleID)/permissions", json: Self.permissions("fly:orders"))
            expectManagementError(unknown, 400, "invalid_body")
            #expect(unknown.json["message"]?.stringValue?.contains("fly:orders") == true)
            let noAPI = try await api.send(.post, "/roles/\(roleID)/permissions", json: [
                "permissions": [["resource_server_identifier": "https://nowhere.test", "permission_name": "read:orders"]],
            ])
            #expect(noAPI.json["message"]?.stringValue?.contains("https://nowhere.test") == true)
            let added = try await api.send(.post, "/roles/\(roleID)/permissions", json: Self.permissions("write:orders", "read:orders"))
            #expect(added.status == .created, "\(added.json)")
            let listed = try #require(try await api.send(.get, "/roles/\(roleID)/permissions").json.arrayValue)
            #expect(listed.compactMap { $0["permission_name"]?.stringValue } == ["read:orders", "write:orders"])
            #expect(listed.first?["resource_server_name"] == "Acme API")
            #expect(listed.first?["description"] == "Read orders")
            #expect(try await api.send(.delete, "/roles/\(roleID)/permissions", json: Self.permissions("read:orders")).status == .noContent)

            // Assigned to a user: the user's roles and permissions show it, with the sources.
            let user = try #require(try await api.send(.post, "/users", json: [
                "connection": "Username-Password-Authentication", "email": "rita@example.com", "password": "a-long-unusual-passphrase",
            ]).json["user_id"]?.stringValue)
            let userPath = ManagementClient.path(user)
            #expect(try await api.send(.post, userPath + "/roles", json: ["roles": .array([.string(roleID), "viewer"])]).status
                == .noContent)
            expectManagementError(try await api.send(.post, userPath + "/roles", json: ["roles": ["rol_missing"]]), 404, "inexistent_role")
            #expect(try await api.send(.get, userPath + "/roles").json.arrayValue?.compactMap { $0["name"]?.stringValue }
                == ["editor", "viewer"])
            #expect(try await api.send(.post, userPath + "/permissions", json: Self.permissions("read:orders")).status == .created)
            let held = try #require(try await api.send(.get, userPath + "/permissions").json.arrayValue)
            #expect(held.compactMap { $0["permission_name"]?.stringValue } == ["read:orders", "write:orders"])
            let readSources = held.first?["sources"]?.arrayValue ?? []
            #expect(readSources.compactMap { $0["source_type"]?.stringValue } == ["DIRECT", "ROLE"])
            #expect(readSources.last?["source_name"] == "viewer")
            #expect(held.last?["sources"]?.arrayValue?.first?["source_id"] == .string(roleID))
            let members = try await api.send(.get, "/roles/\(roleID)/users")
            #expect(members.json.arrayValue?.compactMap { $0["user_id"]?.stringValue } == [user])

            // Renamed: the holder keeps it under the new name. Deleted: the assignment goes too.
            let renamed = try await api.send(.patch, "/roles/\(roleID)", json: ["name": "order-editor"])
            #expect(renamed.json["name"] == "order-editor", "\(renamed.json)")
            expectManagementError(try await api.send(.patch, "/roles/\(roleID)", json: ["name": "viewer"]), 409, "conflict")
            #expect(try await api.send(.get, userPath + "/roles").json.arrayValue?.compactMap { $0["name"]?.stringValue }
                == ["order-editor", "viewer"])
            #expect(try await api.send(.delete, "/roles/\(roleID)").status == .noContent)
            expectManagementError(try await api.send(.get, "/roles/\(roleID)"), 404, "inexistent_role")
            #expect(try await api.send(.get, userPath + "/roles").json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["viewer"])
            #expect(try await api.send(.delete, userPath + "/roles", json: ["roles": ["viewer"]]).status == .noContent)
            #expect(try await api.send(.delete, userPath + "/permissions", json: Self.permissions("read:orders")).status == .noContent)
            #expect(try await api.send(.get, userPath + "/permissions").json.arrayValue == [])

            // Every change is in the log.
            let logs = try #require(try await api.send(.get, "/logs?per_page=100").json.arrayValue)
            let descriptions = Set(logs.compactMap { $0["description"]?.stringValue })
            for expected in ["Create a Role", "Update a Role", "Delete a Role", "Add permissions to a Role",
                             "Remove permissions from a Role", "Assign a Role", "Unassign a Role", "Grant a Permission",
                             "Revoke a Permission"] {
                #expect(descriptions.contains(expected), "\(expected) missing from \(descriptions)")
            }
        }
    }

    @Test func readScopesReadAndWriteScopesWrite() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let auditor = try await ManagementClient.signedIn(client, as: ManagementClient.auditor)
            #expect(try await auditor.send(.get, "/roles").status == .ok)
            expectManagementError(try await auditor.send(.post, "/roles", json: ["name": "sneaky"]), 403, "insufficient_scope")
            expectManagementError(try await auditor.send(.delete, "/roles/admin"), 403)
            let anonymous = ManagementClient(client: client, token: nil)
            expectManagementError(try await anonymous.send(.get, "/roles"), 401)
        }
    }
}
