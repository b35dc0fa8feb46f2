import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisCrypto
import PortcullisStore
import Testing

/// The resolver through the real application: hosted-page login, then resolves as nginx sends them.
@Suite("Forward-auth resolver endpoint")
struct ResolverEndpointTests {
    let flows = LoginFlowTests()

    func resolve(_ client: some TestClientProtocol, _ url: String?, cookie: String? = nil, method: HTTPRequest.Method = .get,
                 path: String = "/acme/_resolver/resolve", extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let url { headers[HTTPField.Name("X-Original-URL")!] = url }
        if let cookie { headers[.cookie] = "other=1; portcullis_session=\(cookie)" }
        return try await client.execute(uri: path, method: method, headers: headers)
    }

    func header(_ response: TestResponse, _ name: String) -> String? {
        response.headers[HTTPField.Name(name)!]
    }

    @Test func anonymousRequests() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            let bypass = try await resolve(client, "http://app.acme.test/public/about")
            #expect(bypass.status == .ok)
            #expect(header(bypass, "X-Portcullis-User-Id") == nil)
            #expect(header(bypass, "X-Portcullis-Rule") == "public-pages")
            #expect(bypass.headers[.cacheControl] == "no-store")

            let page = try await resolve(client, "http://app.acme.test:8000/dash?x=1&y=2")
            #expect(page.status == .unauthorized)
            #expect(header(page, "X-Portcullis-Login-Url")
                == "http://localhost/acme/u/login?rd=http%3A%2F%2Fapp.acme.test%3A8000%2Fdash%3Fx%3D1%26y%3D2")

            let redirect = try await resolve(client, "http://app.acme.test/dash", path: "/acme/_resolver/redirect")
            #expect(redirect.status == .found)
            #expect(redirect.headers[.location] == "http://localhost/acme/u/login?rd=http%3A%2F%2Fapp.acme.test%2Fdash")

            #expect(try await resolve(client, "http://elsewhere.test/").status == .forbidden, "default policy deny")
            #expect(try await resolve(client, "http://app.acme.test/", method: .head).status == .unauthorized)
            #expect(try await resolve(client, "http://app.acme.test/public/x", path: "/acme/_resolver").status == .ok)
        }
    }

    @Test func forwardedHeadersAndBadInput() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            let forwarded = try await resolve(client, nil, method: .post, extra: [
                HTTPField.Name("X-Forwarded-Proto")!: "https", HTTPField.Name("X-Forwarded-Host")!: "app.acme.test",
                HTTPField.Name("X-Forwarded-Uri")!: "/public/form",
            ])
            #expect(forwarded.status == .ok)
            #expect(try await resolve(client, nil).status == .badRequest, "no forwarding headers")
            #expect(try await resolve(client, "garbage").status == .badRequest)
            #expect(try await resolve(client, "http://app.acme.test/" + String(repeating: "a", count: 20_000)).status
                == .badRequest)
            let long = try await resolve(client, "http://app.acme.test/" + String(repeating: "a", count: 3000))
            #expect(long.status == .unauthorized)
            #expect(header(long, "X-Portcullis-Login-Url") == "http://localhost/acme/u/login", "too long to return to")
            #expect(try await resolve(client, "http://app.acme.test/%ff").status == .forbidden)
            #expect(try await resolve(client, "http://app.acme.test/", cookie: "garbage;;==").status == .unauthorized)
            #expect(try await resolve(client, "http://app.acme.test/", cookie: RandomToken.make()).status == .unauthorized)
            let huge = try await resolve(client, "http://app.acme.test/",
                                         cookie: String(repeating: "x", count: 10_000))
            #expect(huge.status == .unauthorized)
            #expect(try await resolve(client, "http://app.acme.test/", extra: [.authorization: "Bearer not-a-jwt"]).status
                == .unauthorized)
        }
    }

    @Test func sessionLifecycle() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await flows.get(client, &browser, "/acme/u/login")
            let login = try await flows.post(client, &browser, "/acme/u/login", [
                ("username", "alice@example.com"), ("password", LoginFlowTests.password),
                ("state", "http://app.acme.test/dash"),
            ])
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "http://app.acme.test/dash", "rd honoured for a protected host")
            let token = try #require(browser.cookies["portcullis_session"])

            let allowed = try await resolve(client, "http://app.acme.test/dash", cookie: token)
            #expect(allowed.status == .ok)
            #expect(header(allowed, "X-Portcullis-User-Id") == user.externalID)
            #expect(header(allowed, "X-Portcullis-Email") == "alice@example.com")
            #expect(header(allowed, "X-Portcullis-Email-Verified") == "false")
            #expect(header(allowed, "X-Portcullis-Roles") == "")
            #expect(header(allowed, "X-Portcullis-Session-Amr") == "pwd")
            #expect(header(allowed, "X-Portcullis-Authenticated-At") != nil)
            #expect(header(allowed, "X-Portcullis-Rule") == "everything-else")

            let admin = try await resolve(client, "http://app.acme.test/admin/users", cookie: token)
            #expect(admin.status == .forbidden, "no admin role")
            #expect(try await resolve(client, "http://app.acme.test/%61dmin/users", cookie: token).status == .forbidden)

            _ = try await flows.get(client, &browser, "/acme/u/logout")
            #expect(try await flows.post(client, &browser, "/acme/u/logout", []).status == .ok)
            #expect(try await resolve(client, "http://app.acme.test/dash", cookie: token).status == .unauthorized,
                    "logout takes effect on the very next resolve")
        }
    }

    @Test func repeatedHeadersAndManyCookies() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await flows.createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let token = try await flows.logIn(client, &browser)
            let originalURL = HTTPField.Name("X-Original-URL")!
            func send(_ fields: [HTTPField]) async throws -> TestResponse {
                try await client.execute(uri: "/acme/_resolver/resolve", method: .get, headers: HTTPFields(fields))
            }
            let session = HTTPField(name: .cookie, value: "portcullis_session=\(token)")
            let filler = (0..<5).map { HTTPField(name: .cookie, value: "filler\($0)=" + String(repeating: "f", count: 2000)) }

            #expect(try await send([HTTPField(name: originalURL, value: "http://APP.acme.test:80/dash"), session]).status
                == .ok, "host case and default port do not matter")
            #expect(try await send([HTTPField(name: originalURL, value: "http://app.acme.test/dash"),
                                    HTTPField(name: originalURL, value: "http://app.acme.test/public/x"), session]).status
                == .badRequest, "two original URLs are refused, not picked from")
            #expect(try await send([HTTPField(name: originalURL, value: "http://app.acme.test/dash"), session] + filler)
                .status == .ok, "the session cookie is found before the size limit")
            #expect(try await send([HTTPField(name: originalURL, value: "http://app.acme.test/dash")] + filler + [session])
                .status == .unauthorized, "cookies beyond 8 KiB are not read")
            #expect(try await send([HTTPField(name: originalURL, value: "http://app.acme.test/dash"), session,
                                    HTTPField(name: .authorization, value: "Bearer a"),
                                    HTTPField(name: .authorization, value: "Bearer b")]).status
                == .unauthorized, "an ambiguous Authorization gives no identity, and the cookie is not used instead")
        }
    }

    @Test func adminRoleFromTheStore() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        _ = try await server.storage.assignRole(tenantID: "acme", userID: user.id, role: "admin", organizationID: nil,
                                                at: Date())
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let token = try await flows.logIn(client, &browser)
            let admin = try await resolve(client, "http://app.acme.test/admin/users", cookie: token)
            #expect(admin.status == .ok)
            #expect(header(admin, "X-Portcullis-Roles") == "admin")
        }
    }

    @Test func organizationRulesAdmitMembersActingThere() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await flows.createUser(server)
        let organization = Organization(tenantID: "acme", name: "blue-team", createdAt: Date())
        try await server.storage.createOrganization(organization)
        try server.edit("config/tenants/acme.yaml") { text in
            text.replacingOccurrences(of: "access_rules:\n", with: """
                access_rules:
                  - name: blue-team-admins
                    hosts: [app.acme.test]
                    paths: [{prefix: /blue/}]
                    policy: roles
                    roles: {any_of: [admin]}
                    organization: blue-team

                """)
        }
        #expect(await server.reloader.reload(reason: "test") == true)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let token = try await flows.logIn(client, &browser)
            #expect(try await resolve(client, "http://app.acme.test/blue/board", cookie: token).status == .forbidden,
                    "not a member")

            _ = try await server.storage.addMember(tenantID: "acme", organizationID: organization.id, userID: user.id,
                                                   at: Date())
            _ = try await server.storage.assignRole(tenantID: "acme", userID: user.id, role: "admin",
                                                    organizationID: organization.id, at: Date())
            var again = Browser()
            let member = try await flows.logIn(client, &again)  // a new session: read afresh, not from the cache
            let allowed = try await resolve(client, "http://app.acme.test/blue/board", cookie: member)
            #expect(allowed.status == .ok)
            #expect(header(allowed, "X-Portcullis-Org-Id") == organization.id)
            #expect(header(allowed, "X-Portcullis-Roles") == "admin")
            let elsewhere = try await resolve(client, "http://app.acme.test/dash", cookie: member)
            #expect(elsewhere.status == .ok)
            #expect(header(elsewhere, "X-Portcullis-Org-Id") == nil, "outside the rule the session acts in no organization")
            #expect(header(elsewhere, "X-Portcullis-Roles") == "")
        }
    }

    @Test func returnURLsOnlyToProtectedHosts() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await flows.createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await flows.get(client, &browser, "/acme/u/login")
            let login = try await flows.post(client, &browser, "/acme/u/login", [
                ("username", "alice@example.com"), ("password", LoginFlowTests.password),
                ("state", "https://evil.test/steal"),
            ])
            #expect(login.status == .ok, "an unknown host is not a redirect target")
            #expect(login.headers[.location] == nil)
        }
    }
}
