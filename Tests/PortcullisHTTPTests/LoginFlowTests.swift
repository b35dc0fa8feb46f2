import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import PortcullisUI
import Testing

/// A browser's view of the hosted pages: cookies kept between requests, forms posted with the CSRF
/// token the page carried.
struct Browser {
    var cookies: [String: String] = [:]
    var csrf = ""

    mutating func keep(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        let html = String(buffer: response.body)
        if let range = html.range(of: "name=\"csrf_token\" value=\"") {
            csrf = String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ByteBuffer(string: body)
    }
}

@Suite("Login, sign-up and logout")
struct LoginFlowTests {
    static let password = "correct-horse-battery"

    func createUser(_ server: TestServer, email: String = "alice@example.com") async throws -> User {
        let user = User(tenantID: "acme", connection: "Username-Password-Authentication", email: email, createdAt: Date())
        try await server.storage.create(user)
        let hash = try PasswordHasher().hash(password: Self.password)
        try await server.storage.setPassword(PasswordCredential(tenantID: "acme", userID: user.id, hash: hash, updatedAt: Date()))
        return user
    }

    func post(_ client: some TestClientProtocol, _ browser: inout Browser, _ path: String, _ fields: [(String, String)],
              csrf: String? = nil) async throws -> TestResponse {
        var headers = browser.cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let response = try await client.execute(uri: path, method: .post, headers: headers,
                                                body: Browser.form([("csrf_token", csrf ?? browser.csrf)] + fields))
        browser.keep(response)
        return response
    }

    func get(_ client: some TestClientProtocol, _ browser: inout Browser, _ path: String, headers: HTTPFields = [:])
        async throws -> TestResponse
    {
        var all = browser.cookieHeader
        for field in headers { all.append(field) }
        let response = try await client.execute(uri: path, method: .get, headers: all)
        browser.keep(response)
        return response
    }

    /// Logs Alice in on acme's hosted page; returns her session cookie's value.
    func logIn(_ client: some TestClientProtocol, _ browser: inout Browser) async throws -> String {
        _ = try await get(client, &browser, "/acme/u/login")
        _ = try await post(client, &browser, "/acme/u/login", [
            ("username", "alice@example.com"), ("password", LoginFlowTests.password),
        ])
        return try #require(browser.cookies["portcullis_session"])
    }

    @Test func loginPageIsProtected() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let page = try await get(client, &browser, "/acme/u/login")
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(browser.cookies["portcullis_csrf"] != nil)
            #expect(!browser.csrf.isEmpty)
        }
    }

    @Test func loginSetsASecureSessionCookieAndLogoutRevokesIt() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await get(client, &browser, "/acme/u/login")
            let response = try await post(client, &browser, "/acme/u/login",
                                          [("username", "Alice@Example.com"), ("password", Self.password)])
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("portcullis_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/acme"))
            let token = try #require(browser.cookies["portcullis_session"])
            let digest = SecretDigest(of: token).hex
            #expect(try await server.storage.session(tenantID: "acme", digest: digest, now: Date()) != nil)

            _ = try await get(client, &browser, "/acme/u/logout")
            let logout = try await post(client, &browser, "/acme/u/logout", [])
            #expect(logout.status == .ok)
            #expect(try await server.storage.session(tenantID: "acme", digest: digest, now: Date()) == nil)
        }
    }

    @Test func missingOrForeignCSRFTokenIsRefused() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await get(client, &browser, "/acme/u/login")
            let forged = try await post(client, &browser, "/acme/u/login",
                                        [("username", "alice@example.com"), ("password", Self.password)],
                                        csrf: CSRFToken.make())
            #expect(forged.status == .forbidden)
            var fresh = Browser()
            let missing = try await post(client, &fresh, "/acme/u/login",
                                         [("username", "alice@example.com"), ("password", Self.password)], csrf: "")
            #expect(missing.status == .forbidden)
            #expect(fresh.cookies["portcullis_session"] == nil)
        }
    }

    @Test func fiveFailuresLockTheAccountAndUnknownEmailsLookLikeWrongPasswords() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await get(client, &browser, "/acme/u/login")
            var wrongBody = ""
            for _ in 0..<5 {
                let response = try await post(client, &browser, "/acme/u/login",
                                              [("username", "alice@example.com"), ("password", "not-the-password")])
                #expect(response.status == .unauthorized)
                wrongBody = String(buffer: response.body)
            }
            let unknown = try await post(client, &browser, "/acme/u/login",
                                         [("username", "nobody@example.com"), ("password", "not-the-password")])
            #expect(unknown.status == .unauthorized)
            #expect(alertText(String(buffer: unknown.body)) == alertText(wrongBody))
            #expect(alertText(wrongBody) == "Wrong email or password.")

            let sixth = try await post(client, &browser, "/acme/u/login",
                                       [("username", "alice@example.com"), ("password", Self.password)])
            #expect(sixth.status == .unauthorized)
            #expect(alertText(String(buffer: sixth.body))?.contains("locked") == true)
            #expect(browser.cookies["portcullis_session"] == nil)
        }
    }

    /// The lockout message must not tell which emails have accounts: an unknown email locks after
    /// the same number of failures, with the same message.
    @Test func unknownEmailsLockLikeRealAccounts() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await get(client, &browser, "/acme/u/login")
            var answers: [String: [String?]] = [:]
            for email in ["alice@example.com", "Nobody@Example.com"] {
                for attempt in 0..<6 {
                    // The unknown address is typed in varying case: it is one identifier all the same.
                    let typed = attempt.isMultiple(of: 2) ? email : email.lowercased()
                    let response = try await post(client, &browser, "/acme/u/login",
                                                  [("username", typed), ("password", "not-the-password")])
                    #expect(response.status == .unauthorized)
                    answers[email, default: []].append(alertText(String(buffer: response.body)))
                }
            }
            #expect(answers["alice@example.com"] == answers["Nobody@Example.com"])
            #expect(answers["Nobody@Example.com"]?.last??.contains("locked") == true)
        }
    }

    @Test func signupCreatesAUserAndEnforcesThePolicy() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            _ = try await get(client, &browser, "/acme/u/signup")
            let weak = try await post(client, &browser, "/acme/u/signup", [("email", "bob@example.com"), ("password", "password123")])
            #expect(weak.status == .badRequest)
            #expect(alertText(String(buffer: weak.body)) == "This password is too common. Choose something harder to guess.")
            let short = try await post(client, &browser, "/acme/u/signup", [("email", "bob@example.com"), ("password", "short")])
            #expect(alertText(String(buffer: short.body)) == "Use at least 10 characters.")
            let created = try await post(client, &browser, "/acme/u/signup",
                                         [("email", "bob@example.com"), ("name", "Bob"), ("password", "a-long-unusual-passphrase")])
            #expect(created.status == .ok)
            #expect(browser.cookies["portcullis_session"] != nil)
            let user = try #require(try await server.storage.user(tenantID: "acme", connection: "Username-Password-Authentication",
                                                                  email: "bob@example.com"))
            #expect(user.name == "Bob")
            #expect(user.emailVerified == false)
            let hash = try #require(try await server.storage.password(tenantID: "acme", userID: user.id)?.hash)
            #expect(hash.hasPrefix("$argon2id$"))
            let again = try await post(client, &browser, "/acme/u/signup",
                                       [("email", "BOB@example.com"), ("password", "another-long-passphrase")])
            #expect(again.status == .conflict)
        }
    }

    @Test func signupIsClosedWhereTheConnectionSaysSo() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let page = try await get(client, &browser, "/globex/u/signup")
            #expect(page.status == .notFound)
        }
    }

    @Test func germanPagesByAcceptLanguageAndReturnURLsOnlyToKnownHosts() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        _ = try await createUser(server)
        try await server.application(services: server.makeServices()).test(.router) { client in
            var browser = Browser()
            let german = try await get(client, &browser, "/acme/u/login", headers: [.acceptLanguage: "de-DE,de;q=0.9,en;q=0.5"])
            #expect(String(buffer: german.body).contains("Anmelden, um fortzufahren"))
            let evil = try await post(client, &browser, "/acme/u/login",
                                      [("username", "alice@example.com"), ("password", Self.password), ("state", "https://evil.test/")])
            #expect(evil.status == .ok)
            #expect(evil.headers[.location] == nil)
            let good = try await post(client, &browser, "/acme/u/login",
                                      [("username", "alice@example.com"), ("password", Self.password),
                                       ("state", "https://app.acme.test/orders?id=1")])
            #expect(good.status == .seeOther)
            #expect(good.headers[.location] == "https://app.acme.test/orders?id=1")
        }
    }

    private func alertText(_ html: String) -> String? {
        guard let start = html.range(of: "role=\"alert\">") else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "<" })
    }
}
