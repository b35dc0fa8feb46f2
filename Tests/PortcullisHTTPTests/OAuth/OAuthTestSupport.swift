import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import Testing

/// A relying party's view of the example tenant `acme` for in-process tests: it logs a user in
/// through the hosted page, follows the authorization redirects and calls the token endpoint.
struct RelyingParty {
    static let issuer = "http://localhost/acme"
    static let callback = "http://127.0.0.1:8081/callback"
    static let webSecret = "acme-web-dev-secret"
    static let workerSecret = "acme-worker-dev-secret"

    let client: any TestClientProtocol
    var browser = Browser()

    init(_ client: some TestClientProtocol) { self.client = client }

    static func pkce() -> (verifier: String, challenge: String) {
        let verifier = RandomToken.make(bytes: 32)
        return (verifier, Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded)
    }

    static func query(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    /// An authorization request of `acme-spa` (public client, PKCE S256) with `extra` parameters.
    static func spaRequest(state: String, scope: String = "openid", challenge: String,
                           _ extra: [(String, String)] = []) -> [(String, String)] {
        [("response_type", "code"), ("client_id", "acme-spa"), ("redirect_uri", callback), ("scope", scope),
         ("state", state), ("code_challenge", challenge), ("code_challenge_method", "S256")] + extra
    }

    /// Query parameters of a `Location` header.
    static func parameters(of location: String?) -> [String: String] {
        guard let location, let components = URLComponents(string: location) else { return [:] }
        var result: [String: String] = [:]
        for item in components.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }

    /// Requests `path` with the browser's cookies.
    mutating func get(_ path: String) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: browser.cookieHeader)
        browser.keep(response)
        return response
    }

    /// `/authorize` with the given parameters; if it sends the browser to the login page, logs in
    /// there and comes back. Returns the final answer (normally a redirect to the callback).
    mutating func authorize(_ parameters: [(String, String)], email: String = "alice@example.com",
                            password: String = LoginFlowTests.password) async throws -> TestResponse {
        let response = try await get("/acme/authorize?" + Self.query(parameters))
        if response.status == .found || response.status == .seeOther,
           let location = response.headers[.location], location.hasPrefix("/acme/u/login") {
            return try await signIn(at: location, email: email, password: password)
        }
        return response
    }

    /// Opens the login page at `location`, signs in there, checks that the login sends the browser
    /// back to the page's `rd` unchanged, and follows it. Returns that page's answer.
    mutating func signIn(at location: String, email: String = "alice@example.com",
                         password: String = LoginFlowTests.password) async throws -> TestResponse {
        let page = try await get(location)
        #expect(page.status == .ok)
        let returnTo = try #require(Self.parameters(of: location)["rd"])
        var headers = browser.cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let login = try await client.execute(uri: "/acme/u/login", method: .post, headers: headers, body: Browser.form([
            ("csrf_token", browser.csrf), ("username", email), ("password", password), ("state", returnTo),
        ]))
        browser.keep(login)
        let back = try #require(login.headers[.location])
        #expect(back == returnTo)
        return try await get(String(back.dropFirst("http://localhost".count)))
    }

    /// The code from a redirect to the callback, checking `state` and `iss` on the way.
    static func code(from response: TestResponse, state: String) throws -> String {
        #expect(response.status == .found)
        let location = try #require(response.headers[.location])
        #expect(location.hasPrefix(callback + "?"))
        let parameters = Self.parameters(of: location)
        #expect(parameters["state"] == state)
        #expect(parameters["iss"] == issuer)
        return try #require(parameters["code"], "no code in \(location)")
    }

    /// POSTs a form to the token endpoint, optionally with HTTP Basic client authentication.
    func token(_ fields: [(String, String)], basic: (String, String)? = nil, path: String = "/acme/oauth/token")
        async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: JSONValue)
    {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let basic {
            headers[.authorization] = "Basic " + Data("\(basic.0):\(basic.1)".utf8).base64EncodedString()
        }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: Browser.form(fields))
        let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))) ?? .null
        return (response.status, response.headers, json)
    }

    /// The refresh grant for `acme-spa` (a public client).
    func refresh(_ token: String, _ extra: [(String, String)] = []) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, json: JSONValue)
    {
        try await self.token([("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", "acme-spa")] + extra)
    }

    /// Logs in and runs the code flow for `acme-spa` (public, PKCE); returns the token response.
    mutating func spaTokens(scope: String = "openid profile email offline_access", extra: [(String, String)] = [],
                            email: String = "alice@example.com") async throws -> JSONValue {
        let pkce = Self.pkce()
        let state = RandomToken.make(bytes: 8)
        let answer = try await authorize(Self.spaRequest(state: state, scope: scope, challenge: pkce.challenge,
                                                         [("nonce", "n-0S6")] + extra), email: email)
        let code = try Self.code(from: answer, state: state)
        let result = try await token([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.callback),
            ("client_id", "acme-spa"), ("code_verifier", pkce.verifier),
        ])
        #expect(result.status == .ok, "\(result.json)")
        return result.json
    }
}

/// Reads a JWT's parts without checking anything (tests check what they need).
struct DecodedJWT {
    let header: [String: JSONValue]
    let claims: [String: JSONValue]
    let parts: JWS.Parts

    init(_ token: String) throws {
        parts = try #require(JWS.parse(token))
        header = parts.header
        guard case .object(let claims) = try JSONDecoder().decode(JSONValue.self, from: parts.payload) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "claims are not an object"))
        }
        self.claims = claims
    }
}

extension TestServer {
    /// A user of acme with the test password.
    func createAcmeUser(email: String = "alice@example.com", name: String? = "Alice Example") async throws -> User {
        var user = User(tenantID: "acme", connection: "Username-Password-Authentication", email: email, createdAt: Date())
        user.name = name
        user.emailVerified = true
        try await storage.create(user)
        let hash = try PasswordHasher().hash(password: LoginFlowTests.password)
        try await storage.setPassword(PasswordCredential(tenantID: "acme", userID: user.id, hash: hash, updatedAt: Date()))
        return user
    }
}

extension TestServer {
    /// Runs `body` with a relying party against a fresh in-process server with the hosted pages,
    /// Alice created first unless `withUser` is false; the server's files are removed afterwards.
    static func withRelyingParty(withUser: Bool = true,
                                 _ body: @Sendable (TestServer, inout RelyingParty) async throws -> Void) async throws {
        let server = try await TestServer()
        defer { server.remove() }
        if withUser { _ = try await server.createAcmeUser() }
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            try await body(server, &rp)
        }
    }
}
