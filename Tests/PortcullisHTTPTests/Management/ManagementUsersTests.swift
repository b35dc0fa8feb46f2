import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisStore
import Testing

/// `/api/v2/users`: create, read, search, change and delete users over HTTP, with Auth0's shapes
/// and errors, and the store left as it was by every refused request.
@Suite("Management API users")
struct ManagementUsersTests {
    static let connection: JSONValue = "Username-Password-Authentication"

    @Test func createReadUpdateDelete() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let created = try await api.send(.post, "/users", json: [
                "connection": Self.connection, "email": "Nora@Example.com", "password": "a-long-unusual-passphrase",
                "name": "Nora", "app_metadata": ["plan": "gold", "seats": 3], "user_metadata": ["lang": "de"],
                "email_verified": true,
            ])
            #expect(created.status == .created, "\(created.json)")
            let id = try #require(created.json["user_id"]?.stringValue)
            #expect(id.hasPrefix("Username-Password-Authentication|usr_"))
            #expect(created.json["email"] == "Nora@Example.com")
            #expect(created.json["email_verified"] == true)
            #expect(created.json["app_metadata"] == ["plan": "gold", "seats": 3])
            #expect(created.json["identities"]?.arrayValue?.first?["provider"] == "auth0")
            #expect(created.json["identities"]?.arrayValue?.first?["connection"] == Self.connection)
            #expect(created.json["password"] == nil)

            // The password works on the hosted login page.
            var browser = Browser()
            let flows = LoginFlowTests()
            _ = try await flows.get(client, &browser, "/acme/u/login")
            let login = try await flows.post(client, &browser, "/acme/u/login",
                                             [("username", "nora@example.com"), ("password", "a-long-unusual-passphrase")])
            #expect(login.status == .ok)

            let read = try await api.send(.get, ManagementClient.path(id))
            #expect(read.status == .ok)
            #expect(read.json["logins_count"] == 1)
            #expect(read.json["last_login"]?.stringValue != nil)
            let some = try await api.send(.get, ManagementClient.path(id) + "?fields=email,user_id")
            #expect(some.json == ["email": "Nora@Example.com", "user_id": .string(id)])
            let without = try await api.send(.get, ManagementClient.path(id) + "?fields=app_metadata&include_fields=false")
            #expect(without.json["app_metadata"] == nil && without.json["email"] != nil)

            // Metadata merges at the top level; null deletes a key.
            let patched = try await api.send(.patch, ManagementClient.path(id), json: [
                "app_metadata": ["seats": .null, "tier": ["level": 2]], "user_metadata": ["theme": "dark"], "name": "Nora N.",
            ])
            #expect(patched.status == .ok, "\(patched.json)")
            #expect(patched.json["app_metadata"] == ["plan": "gold", "tier": ["level": 2]])
            #expect(patched.json["user_metadata"] == ["lang": "de", "theme": "dark"])
            #expect(patched.json["name"] == "Nora N.")
            // A new email is unverified unless the change says otherwise.
            let moved = try await api.send(.patch, ManagementClient.path(id), json: ["email": "nora@new.example"])
            #expect(moved.json["email_verified"] == false)

            let byEmail = try await api.send(.get, "/users-by-email?email=" + ManagementClient.query("NORA@new.example"))
            #expect(byEmail.json.arrayValue?.count == 1)

            #expect(try await api.send(.delete, ManagementClient.path(id)).status == .noContent)
            expectManagementError(try await api.send(.get, ManagementClient.path(id)), 404, "inexistent_user")
            expectManagementError(try await api.send(.patch, ManagementClient.path(id), json: ["name": "x"]), 404, "inexistent_user")
            #expect(try await api.send(.delete, ManagementClient.path(id)).status == .noContent, "deleting again is not an error")

            // Every change is in the audit log, with the client as the actor.
            let events = try await server.storage.recent(tenantID: "acme", limit: 50)
            let mine = events.filter { $0.subject == "user:" + (id.split(separator: "|").last.map(String.init) ?? "") }
            #expect(Set(mine.map(\.type)).isSuperset(of: ["user.created", "user.updated", "user.deleted", "login.succeeded"]))
            #expect(mine.first { $0.type == "user.created" }?.actor == "client:acme-admin")
        }
    }

    @Test func badInputIsRefusedAndWritesNothing() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let base: [String: JSONValue] = ["connection": Self.connection, "email": "olga@example.com",
                                             "password": "a-long-unusual-passphrase"]
            func create(_ change: (inout [String: JSONValue]) -> Void) async throws -> ManagementClient.Reply {
                var body = base
                change(&body)
                return try await api.send(.post, "/users", json: .object(body))
            }
            let unknown = try await create { $0["nickname_typo"] = "x" }
            expectManagementError(unknown, 400, "invalid_body")
            #expect(unknown.json["message"]?.stringValue?.contains("nickname_typo") == true)
            expectManagementError(try await create { $0["email_verified"] = "yes" }, 400, "invalid_body")
            expectManagementError(try await create { $0["app_metadata"] = ["a.b": 1] }, 400, "invalid_body")
            expectManagementError(try await create { $0["connection"] = "nope" }, 400, "inexistent_connection")
            expectManagementError(try await create { $0["email"] = "not-an-email" }, 400, "invalid_body")
            expectManagementError(try await create { $0["password"] = "short" }, 400, "password_strength_error")
            expectManagementError(try await create { $0["password_hash"] = "$md5$nope"; $0["password"] = nil }, 400, "invalid_body")
            expectManagementError(try await api.send(.post, "/users", raw: "{\"email\": "), 400, "invalid_body")
            expectManagementError(try await api.send(.post, "/users", raw: "[1]"), 400, "invalid_body")
            expectManagementError(try await api.send(.post, "/users", raw: "{}", contentType: "text/plain"), 415)
            let huge = String(repeating: "x", count: 2 << 20)
            expectManagementError(try await api.send(.post, "/users", raw: "{\"email\":\"\(huge)\"}"), 413)
            #expect(try await server.storage.users(tenantID: "acme", page: 0, perPage: 10).total == 0, "nothing was written")

            #expect(try await create { _ in }.status == .created)
            expectManagementError(try await create { $0["email"] = "OLGA@example.com" }, 409, "auth0_idp_error")
            #expect(try await server.storage.users(tenantID: "acme", page: 0, perPage: 10).total == 1)

            expectManagementError(try await api.send(.get, "/users?per_page=101"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?page=-1"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?page=20&per_page=50"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?per-page=5"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?fields=password"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?sort=email:2"), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?q=" + ManagementClient.query("nickname:x")), 400,
                                  "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users?q=" + ManagementClient.query("email:(x")), 400,
                                  "invalid_query_string")
            expectManagementError(try await api.send(.get, "/users/not-a-user-id"), 404, "inexistent_user")
        }
    }

    @Test func searchSortAndPaging() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            for (index, email) in ["ann@acme.test", "bob@acme.test", "cy@other.example", "dee@acme.test"].enumerated() {
                let reply = try await api.send(.post, "/users", json: [
                    "connection": Self.connection, "email": .string(email), "name": .string("User \(index)"),
                    "app_metadata": ["plan": index % 2 == 0 ? "gold" : "free"], "blocked": .bool(index == 3),
                ])
                #expect(reply.status == .created, "\(reply.json)")
            }
            func emails(_ query: String) async throws -> [String] {
                let reply = try await api.send(.get, "/users?" + query)
                #expect(reply.status == .ok, "\(query): \(reply.json)")
                return reply.json.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
            }
            let q = { (text: String) in "q=" + ManagementClient.query(text) }
            #expect(try await emails(q(#"email:"BOB@acme.test""#)) == ["bob@acme.test"])
            #expect(try await emails(q("email:*@acme.test")) == ["ann@acme.test", "bob@acme.test", "dee@acme.test"])
            #expect(try await emails(q("app_metadata.plan:gold AND NOT blocked:true")) == ["ann@acme.test", "cy@other.example"])
            #expect(try await emails(q("email.domain:other.example OR blocked:true")) == ["cy@other.example", "dee@acme.test"])
            #expect(try await emails(q("cy")) == ["cy@other.example"], "a bare term")
            #expect(try await emails(q("email:*@acme.test") + "&sort=email:-1") == ["dee@acme.test", "bob@acme.test", "ann@acme.test"])
            // Python's and browsers' clients encode spaces as +.
            #expect(try await emails("q=app_metadata.plan:gold+AND+email:ann*") == ["ann@acme.test"])

            let page = try await api.send(.get, "/users?per_page=2&page=1&include_totals=true&" + q("email:*@acme.test"))
            #expect(page.json["total"] == 3)
            #expect(page.json["start"] == 2)
            #expect(page.json["limit"] == 2)
            #expect(page.json["length"] == 1)
            #expect(page.json["users"]?.arrayValue?.count == 1)
        }
    }

    @Test func concurrentMetadataPatchesLoseNoUpdate() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let created = try await api.send(.post, "/users", json: ["connection": Self.connection, "email": "pia@example.com"])
            let id = try #require(created.json["user_id"]?.stringValue)
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await api.send(.patch, ManagementClient.path(id), json: ["app_metadata": ["k\(index)": .int(index)]]).status
                    }
                }
                for try await status in group { #expect(status == .ok) }
            }
            let read = try await api.send(.get, ManagementClient.path(id))
            guard case .object(let metadata)? = read.json["app_metadata"] else { Issue.record("no app_metadata"); return }
            #expect(metadata.count == 8, "\(metadata)")
        }
    }

    @Test func appMetadataScopeCoversOnlyAppMetadata() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let admin = try await ManagementClient.signedIn(client)
            let created = try await admin.send(.post, "/users", json: ["connection": Self.connection, "email": "quinn@example.com"])
            let id = try #require(created.json["user_id"]?.stringValue)
            let auditor = try await ManagementClient.signedIn(client, as: ManagementClient.auditor)
            expectManagementError(try await auditor.send(.patch, ManagementClient.path(id), json: ["app_metadata": ["a": 1]]), 403,
                                  "insufficient_scope")
            expectManagementError(try await auditor.send(.delete, ManagementClient.path(id)), 403, "insufficient_scope")
            #expect(try await auditor.send(.get, ManagementClient.path(id)).status == .ok)
        }
    }
}
