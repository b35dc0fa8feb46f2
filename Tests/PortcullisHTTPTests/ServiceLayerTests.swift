import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisHTTP
import PortcullisStore
import Testing

/// The service layer seen from outside: what it changes reaches the resolver at once, and what the
/// endpoints do is in the audit log.
@Suite("Server services")
struct ServiceLayerTests {
    let flows = LoginFlowTests()
    let resolver = ResolverEndpointTests()

    func login(_ client: some TestClientProtocol) async throws -> String {
        var browser = Browser()
        _ = try await flows.get(client, &browser, "/acme/u/login")
        let login = try await flows.post(client, &browser, "/acme/u/login", [
            ("username", "alice@example.com"), ("password", LoginFlowTests.password), ("state", "http://app.acme.test/dash"),
        ])
        #expect(login.status == .seeOther)
        return try #require(browser.cookies["portcullis_session"])
    }

    @Test func blockingAUserEndsTheirSessionOnTheNextResolve() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        let services = server.makeServices()
        try await server.application(services: services).test(.router) { client in
            let token = try await login(client)
            // Twice: the second answer comes from the resolver's cache, which blocking must reach.
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: token).status == .ok)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: token).status == .ok)

            let blocked = try await services.accounts.setBlocked(true, tenantID: "acme", userID: user.id,
                                                                 by: .operator("test"))
            #expect(blocked.blocked)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: token).status == .unauthorized,
                    "blocked in this process: refused on the very next resolve")

            let events = try await server.storage.recent(tenantID: "acme", limit: 10).map(\.type)
            #expect(events.first == "user.blocked")
            // Blocking again changes nothing and records nothing.
            _ = try await services.accounts.setBlocked(true, tenantID: "acme", userID: user.id, by: .operator("test"))
            #expect(try await server.storage.recent(tenantID: "acme", limit: 10).map(\.type) == events)
        }
    }

    @Test func loginsAndLogoutsAreRecorded() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        let services = server.makeServices()
        try await server.application(services: services).test(.router) { client in
            var browser = Browser()
            _ = try await flows.get(client, &browser, "/acme/u/login")
            let wrong = try await flows.post(client, &browser, "/acme/u/login", [
                ("username", "alice@example.com"), ("password", "wrong password, long enough"),
            ])
            #expect(wrong.status == .unauthorized)
            _ = try await flows.post(client, &browser, "/acme/u/login", [
                ("username", "nobody@example.com"), ("password", "wrong password, long enough"),
            ])
            _ = try await login(client)
            await services.events.flush()
            let events = try await server.storage.recent(tenantID: "acme", limit: 10)
            let login = try #require(events.first { $0.type == "login.succeeded" })
            #expect(login.subject == "user:" + user.id)
            #expect(login.actor == "user:" + user.id)
            #expect(login.requestID != nil)
            #expect(login.details["connection"] == "Username-Password-Authentication")
            let failures = events.filter { $0.type == "login.failed" }
            let reasons: [String: AuditEvent] = Dictionary(failures.map { ($0.details["reason"] ?? "-", $0) },
                                                           uniquingKeysWith: { first, _ in first })
            #expect(reasons.keys.sorted() == ["unknown_account", "wrong_password"])
            #expect(reasons["unknown_account"]?.subject == nil)
            #expect(reasons["wrong_password"]?.subject == "user:" + user.id)
        }
    }
}

extension ServiceLayerTests {
    /// What the management API ends, forward auth refuses on its very next call (the cache included).
    @Test func managementAPISessionEndsAndBlocksReachTheResolver() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            let first = try await login(client)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: first).status == .ok)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: first).status == .ok)
            let sessions = try await api.send(.get, ManagementClient.path(user.externalID) + "/sessions")
            let id = try #require(sessions.json["sessions"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(try await api.send(.delete, "/sessions/" + id).status == .noContent)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: first).status == .unauthorized)

            let second = try await login(client)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: second).status == .ok)
            #expect(try await api.send(.patch, ManagementClient.path(user.externalID), json: ["blocked": true]).status == .ok)
            #expect(try await resolver.resolve(client, "http://app.acme.test/dash", cookie: second).status == .unauthorized)
        }
    }
}
