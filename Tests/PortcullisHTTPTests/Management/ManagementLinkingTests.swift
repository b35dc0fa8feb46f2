import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisStore
import Testing

/// Account linking through the management API: the primary lists both identities, the secondary
/// is not reachable on its own, a login through it signs in as the primary, unlinking gives it back.
@Suite("Management API account linking")
struct ManagementLinkingTests {
    static let connection: JSONValue = "Username-Password-Authentication"

    @Test func linkLoginAsThePrimaryAndUnlink() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            func create(_ email: String) async throws -> String {
                let reply = try await api.send(.post, "/users", json: ["connection": Self.connection, "email": .string(email),
                                                                      "password": "a-long-unusual-passphrase", "name": "Pat"])
                return try #require(reply.json["user_id"]?.stringValue)
            }
            let primary = try await create("pat@work.example")
            let secondary = try await create("pat@home.example")
            let secondaryStoreID = String(secondary.split(separator: "|").last ?? "")

            let linked = try await api.send(.post, ManagementClient.path(primary) + "/identities",
                                            json: ["provider": "auth0", "user_id": .string(secondaryStoreID)])
            #expect(linked.status == .created, "\(linked.json)")
            let identities = try #require(linked.json.arrayValue)
            #expect(identities.count == 2)
            #expect(identities.last?["profileData"]?["email"] == "pat@home.example")

            // The secondary is an identity now, not a user: 404 on its own, absent from the list.
            expectManagementError(try await api.send(.get, ManagementClient.path(secondary)), 404, "inexistent_user")
            expectManagementError(try await api.send(.patch, ManagementClient.path(secondary), json: ["name": "x"]), 404)
            expectManagementError(try await api.send(.delete, ManagementClient.path(secondary)), 404)
            let listed = try #require(try await api.send(.get, "/users").json.arrayValue)
            #expect(listed.compactMap { $0["user_id"]?.stringValue } == [primary])
            #expect(listed.first?["identities"]?.arrayValue?.count == 2)
            // Linking again, or the other way round, is refused with the reason.
            let again = try await api.send(.post, ManagementClient.path(primary) + "/identities",
                                           json: ["provider": "auth0", "user_id": .string(secondary)])
            expectManagementError(again, 400, "invalid_body")
            #expect(again.json["message"]?.stringValue?.contains("already linked") == true)

            // The linked identity's password signs in as the primary.
            var browser = Browser()
            let flows = LoginFlowTests()
            _ = try await flows.get(client, &browser, "/acme/u/login")
            let login = try await flows.post(client, &browser, "/acme/u/login",
                                             [("username", "pat@home.example"), ("password", "a-long-unusual-passphrase")])
            #expect(login.status == .ok)
            let sessions = try await api.send(.get, ManagementClient.path(primary) + "/sessions")
            #expect(sessions.json["sessions"]?.arrayValue?.count == 1, "the session is the primary's")
            #expect(try await api.send(.get, ManagementClient.path(primary)).json["logins_count"] == 1)

            // PATCH with `connection` changes that identity (both here are on one connection, so the
            // primary's own): the answer is the primary with its identities.
            let patched = try await api.send(.patch, ManagementClient.path(primary),
                                             json: ["connection": Self.connection, "name": "Pat P."])
            #expect(patched.json["name"] == "Pat P.")
            expectManagementError(try await api.send(.patch, ManagementClient.path(primary), json: ["connection": "elsewhere"]), 400)

            let unlinked = try await api.send(.delete, ManagementClient.path(primary) + "/identities/auth0/" + secondaryStoreID)
            #expect(unlinked.status == .ok, "\(unlinked.json)")
            #expect(unlinked.json.arrayValue?.count == 1)
            #expect(try await api.send(.get, ManagementClient.path(secondary)).status == .ok, "its own user again")
            expectManagementError(try await api.send(.delete, ManagementClient.path(primary) + "/identities/auth0/" + secondaryStoreID),
                                  404, "inexistent_identity")

            let events = try await server.storage.recent(tenantID: "acme", limit: 100).map(\.type)
            #expect(events.contains("user.identity_linked") && events.contains("user.identity_unlinked"))
        }
    }

    @Test func linkWithAnIDTokenOfTheSecondary() async throws {
        try await TestServer.withRelyingParty { server, rp in
            let tokens = try await rp.spaTokens(scope: "openid email")
            let idToken = try #require(tokens["id_token"]?.stringValue)
            let api = try await ManagementClient.signedIn(rp.client)
            let primary = try await api.send(.post, "/users", json: ["connection": Self.connection, "email": "main@example.com"])
            let primaryID = try #require(primary.json["user_id"]?.stringValue)
            let linked = try await api.send(.post, ManagementClient.path(primaryID) + "/identities", json: ["link_with": .string(idToken)])
            #expect(linked.status == .created, "\(linked.json)")
            #expect(linked.json.arrayValue?.last?["profileData"]?["email"] == "alice@example.com")
            let forged = try await api.send(.post, ManagementClient.path(primaryID) + "/identities",
                                            json: ["link_with": .string(idToken.dropLast(4) + "AAAA")])
            expectManagementError(forged, 400, "invalid_body")
            _ = server
        }
    }
}
