import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisStore
import Testing

/// Sessions, refresh tokens, logs and the read-only configuration views of the management API.
@Suite("Management API sessions, logs and configuration")
struct ManagementSessionsLogsTests {
    @Test func sessionsAndRefreshTokensEndThroughTheAPI() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let tokens = try await rp.spaTokens()
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            let api = try await ManagementClient.signedIn(rp.client)
            let alice = try #require(try await server.storage.user(tenantID: "acme", connection: "Username-Password-Authentication",
                                                                   email: "alice@example.com"))
            let user = ManagementClient.path(alice.externalID)

            let listed = try await api.send(.get, user + "/sessions")
            let sessions = try #require(listed.json["sessions"]?.arrayValue)
            #expect(sessions.count == 1)
            let sessionID = try #require(sessions.first?["id"]?.stringValue)
            #expect(sessions.first?["user_id"] == .string(alice.externalID))
            #expect(try await api.send(.get, "/sessions/" + sessionID).json["id"] == .string(sessionID))

            let grants = try #require(try await api.send(.get, user + "/refresh-tokens").json["tokens"]?.arrayValue)
            #expect(grants.count == 1)
            #expect(grants.first?["client_id"] == "acme-spa")
            #expect(grants.first?["session_id"] == .string(sessionID))
            let grantID = try #require(grants.first?["id"]?.stringValue)
            #expect(try await api.send(.delete, "/refresh-tokens/" + grantID).status == .noContent)
            #expect(try await rp.refresh(refresh).status == .badRequest, "a revoked grant refreshes no more")
            expectManagementError(try await api.send(.delete, "/refresh-tokens/" + grantID), 404, "refresh_token_not_found")

            #expect(try await api.send(.delete, "/sessions/" + sessionID).status == .noContent)
            expectManagementError(try await api.send(.get, "/sessions/" + sessionID), 404, "session_not_found")
            expectManagementError(try await api.send(.delete, "/sessions/" + sessionID), 404, "session_not_found")
            expectManagementError(try await api.send(.get, "/sessions/not-hex"), 404, "session_not_found")
            #expect(try await api.send(.delete, user + "/sessions").status == .noContent)

            let auditor = try await ManagementClient.signedIn(rp.client, as: ManagementClient.auditor)
            expectManagementError(try await auditor.send(.delete, user + "/sessions"), 403, "insufficient_scope")
            expectManagementError(try await auditor.send(.get, "/users/db%7Cnobody/sessions"), 404, "inexistent_user")
        }
    }

    @Test func logsUseAuth0CodesAndPageBothWays() async throws {
        try await TestServer.withRelyingParty { server, rp in
            _ = try await rp.spaTokens()
            let api = try await ManagementClient.signedIn(rp.client)
            let created = try await api.send(.post, "/users", json: ["connection": "Username-Password-Authentication",
                                                                     "email": "logged@example.com"])
            let id = try #require(created.json["user_id"]?.stringValue)

            func logs(_ query: String) async throws -> [JSONValue] {
                let reply = try await api.send(.get, "/logs?" + query)
                #expect(reply.status == .ok, "\(query): \(reply.json)")
                return reply.json.arrayValue ?? []
            }
            let q = { (text: String) in "q=" + ManagementClient.query(text) }
            let logins = try await logs(q("type:s"))
            #expect(logins.count == 1)
            #expect(logins.first?["user_name"] == "alice@example.com")
            #expect(logins.first?["description"] == "Success Login")
            let apiCalls = try await logs(q("type:sapi AND user_id:\"\(id)\""))
            #expect(apiCalls.map { $0["description"] } == ["Create a User"])
            #expect(apiCalls.first?["client_id"] == "acme-admin")
            #expect(apiCalls.first?["user_id"] == .string(id))
            expectManagementError(try await api.send(.get, "/logs?" + q("type:nope")), 400, "invalid_query_string")
            expectManagementError(try await api.send(.get, "/logs?" + q("colour:red")), 400, "invalid_query_string")

            // Newest first by page; oldest first from a checkpoint, without gaps. Token issuance is
            // written by the batching recorder at its own pace, so the count covers only events
            // written with their change.
            let stable = q("type:s OR type:sapi OR type:slo")
            let totals = try await api.send(.get, "/logs?include_totals=true&per_page=2&" + stable)
            let total = try #require(totals.json["total"].flatMap { if case .int(let n) = $0 { n } else { nil } })
            #expect(total >= 2)
            var seen: [String] = []
            var from: String?
            while true {
                let batch = try await logs("take=2&" + stable + (from.map { "&from=" + $0 } ?? ""))
                if batch.isEmpty { break }
                seen += batch.compactMap { $0["log_id"]?.stringValue }
                from = seen.last
            }
            #expect(seen.count == total)
            #expect(Set(seen).count == total)
            let one = try await api.send(.get, "/logs/" + (seen.first ?? ""))
            #expect(one.json["log_id"] == .string(seen.first ?? ""))
            expectManagementError(try await api.send(.get, "/logs/evt_nope"), 404, "inexistent_log")

            let mine = try await api.send(.get, ManagementClient.path(id) + "/logs?include_totals=true")
            #expect(mine.json["logs"]?.arrayValue?.count == 1)
        }
    }

    @Test func configurationIsReadOnlyAndNamesItsFile() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let clients = try await api.send(.get, "/clients")
            let web = try #require(clients.json.arrayValue?.first { $0["client_id"] == "acme-web" })
            #expect(web["client_secret"] == nil)
            #expect(web["managed_by"] == "configuration")
            #expect(web["source"]?["file"] == "tenants/acme.yaml")
            #expect(web["app_type"] == "regular_web")
            #expect(try await api.send(.get, "/clients/acme-web").json["name"] == "Acme Web")
            expectManagementError(try await api.send(.get, "/clients/nope"), 404)

            let refused = try await api.send(.patch, "/clients/acme-web", json: ["name": "x"])
            expectManagementError(refused, 409, "managed_by_configuration")
            #expect(refused.json["message"]?.stringValue?.contains("tenants/acme.yaml:") == true)
            expectManagementError(try await api.send(.post, "/connections", json: ["name": "x"]), 409, "managed_by_configuration")

            let servers = try #require(try await api.send(.get, "/resource-servers").json.arrayValue)
            #expect(servers.contains { $0["identifier"] == "http://localhost/acme/api/v2/" && $0["is_system"] == true })
            let grants = try #require(try await api.send(.get, "/client-grants?include_totals=true").json["client_grants"]?.arrayValue)
            #expect(grants.contains { $0["client_id"] == "acme-worker" })
            let connections = try #require(try await api.send(.get, "/connections").json.arrayValue)
            #expect(connections.first?["strategy"] == "auth0")
            #expect(try await api.send(.get, "/roles").json.arrayValue?.count == 2)
        }
    }
}
