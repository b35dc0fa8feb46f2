import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisHTTP
import PortcullisHooks
import Synchronization
import Testing

/// A hook endpoint in process: answers from a script per hook name and keeps every call (the
/// integration suite calls a real HTTP receiver; here the flows' use of the answers is the subject).
final class ScriptedHooks: HookTransport {
    struct Call: Sendable {
        let url: String
        let headers: [String: String]
        let body: [UInt8]
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
    }

    private let state = Mutex<(calls: [Call], answers: [String: HookHTTPResult])>(([], [:]))

    func answer(_ hook: String, _ result: HookHTTPResult) { state.withLock { $0.answers[hook] = result } }
    func answer(_ hook: String, json: JSONValue) {
        answer(hook, .response(status: 200, body: Array(json.compactData)))
    }
    var calls: [Call] { state.withLock { $0.calls } }

    func exchange(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> HookHTTPResult {
        let headers = Dictionary(headers, uniquingKeysWith: { $1 })
        return state.withLock { state in
            state.calls.append(Call(url: url, headers: headers, body: body))
            return state.answers[headers["Portcullis-Hook"] ?? ""] ?? .response(status: 204, body: [])
        }
    }
}

@Suite("Token hooks: post_login and credentials_exchange")
struct TokenHookTests {
    static let hooks = """
        hooks:
          - name: enrich-login
            trigger: post_login
            url: http://127.0.0.1:8089/hooks/post-login
            secret: acme-hook-secret
            on_failure: deny
          - name: second-look
            trigger: post_login
            url: http://127.0.0.1:8089/hooks/second
            secret: acme-hook-secret
            on_failure: continue
          - name: machines
            trigger: credentials_exchange
            url: http://127.0.0.1:8089/hooks/machines
            secret: acme-hook-secret

        webhooks:
        """

    /// A server whose acme tenant has the hooks above, with `hooks` answering for them.
    static func run(_ hooks: ScriptedHooks, yaml: String = TokenHookTests.hooks,
                    _ body: @Sendable (TestServer, inout RelyingParty) async throws -> Void) async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.replaceHooks(with: yaml)
        _ = try await server.createAcmeUser()
        let services = ServerServices(storage: server.storage, renderer: server.renderer,
                                      hashing: PasswordHashingPool(workers: 2, queueCapacity: 32), hookTransport: hooks)
        try await server.application(services: services).test(.router) { client in
            var rp = RelyingParty(client)
            try await body(server, &rp)
        }
    }

    @Test func postLoginAddsNamespacedClaimsAndMetadataAndRunsAgainOnRefresh() async throws {
        let hooks = ScriptedHooks()
        hooks.answer("enrich-login", json: [
            "id_token_claims": ["https://acme.test/plan": "gold", "email": "forged@example.com"],
            "access_token_claims": ["https://acme.test/tier": 3, "sub": "someone-else"],
            "app_metadata": ["plan": "gold"],
        ])
        try await Self.run(hooks) { server, rp in
            let tokens = try await rp.spaTokens(scope: "openid email offline_access")
            let id = try DecodedJWT(try #require(tokens["id_token"]?.stringValue)).claims
            let access = try DecodedJWT(try #require(tokens["access_token"]?.stringValue)).claims
            #expect(id["https://acme.test/plan"] == "gold")
            #expect(id["email"] == "alice@example.com", "a claim without a namespace is refused")
            #expect(access["https://acme.test/tier"] == 3)
            #expect(access["sub"] != "someone-else", "nor may a hook replace a registered claim")
            let user = try #require(try await server.storage.user(tenantID: "acme", connection: "Username-Password-Authentication",
                                                                  email: "alice@example.com"))
            #expect(user.appMetadataJSON == #"{"plan":"gold"}"#)

            // What the hooks were told: signed, the user, the client, the transaction; the second
            // hook sees the first one's changes.
            let first = try #require(hooks.calls.first { $0.headers["Portcullis-Hook"] == "enrich-login" })
            let key = try #require(server.configStore.snapshot.tenantsByID["acme"]?.hookKeys["enrich-login"])
            #expect(WebhookSignature.verify(try #require(first.headers["Portcullis-Signature"]), body: first.body, key: key.bytes))
            #expect(first.json["trigger"] == "post_login")
            #expect(first.json["user"]?["email"] == "alice@example.com")
            #expect(first.json["client"]?["client_id"] == "acme-spa")
            #expect(first.json["transaction"]?["grant_type"] == "authorization_code")
            let second = try #require(hooks.calls.first { $0.headers["Portcullis-Hook"] == "second-look" })
            #expect(second.json["changes"]?["app_metadata"] == ["plan": "gold"])

            // At the code exchange the login's claims are used; a refresh asks the hooks again.
            let before = hooks.calls.count
            let refreshed = try await rp.refresh(try #require(tokens["refresh_token"]?.stringValue))
            #expect(refreshed.status == .ok)
            #expect(hooks.calls.count == before + 2)
            #expect(hooks.calls.last?.json["transaction"]?["grant_type"] == "refresh_token")
            let again = try DecodedJWT(try #require(refreshed.json["access_token"]?.stringValue)).claims
            #expect(again["https://acme.test/tier"] == 3)
        }
    }

    @Test func postLoginDenialsAndFailuresStopTheLoginBeforeTheCode() async throws {
        let hooks = ScriptedHooks()
        hooks.answer("enrich-login", json: ["action": "deny", "message": "Your trial has ended."])
        try await Self.run(hooks) { _, rp in
            let pkce = RelyingParty.pkce()
            let denied = try await rp.authorize(RelyingParty.spaRequest(state: "s1", challenge: pkce.challenge))
            let parameters = RelyingParty.parameters(of: denied.headers[.location])
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["error_description"] == "Your trial has ended.")
            #expect(parameters["code"] == nil)

            // No answer from an on_failure: deny hook denies too; one from an on_failure: continue hook is skipped.
            hooks.answer("enrich-login", .failure("timed out"))
            let failed = try await rp.authorize(RelyingParty.spaRequest(state: "s2", challenge: pkce.challenge))
            #expect(RelyingParty.parameters(of: failed.headers[.location])["error"] == "access_denied")
            hooks.answer("enrich-login", .response(status: 204, body: []))
            hooks.answer("second-look", .response(status: 500, body: []))
            let allowed = try await rp.authorize(RelyingParty.spaRequest(state: "s3", challenge: pkce.challenge))
            #expect(RelyingParty.parameters(of: allowed.headers[.location])["code"] != nil)
            hooks.answer("second-look", .response(status: 200, body: Array("not json".utf8)))
            let malformed = try await rp.authorize(RelyingParty.spaRequest(state: "s4", challenge: pkce.challenge))
            #expect(RelyingParty.parameters(of: malformed.headers[.location])["code"] != nil)
        }
    }

    @Test func credentialsExchangeAddsClaimsOrDenies() async throws {
        let hooks = ScriptedHooks()
        hooks.answer("machines", json: ["access_token_claims": ["https://acme.test/quota": 100], "id_token_claims": ["x:y": 1]])
        try await Self.run(hooks) { _, rp in
            let fields = [("grant_type", "client_credentials"), ("audience", "https://api.acme.test"),
                          ("client_id", "acme-worker"), ("client_secret", RelyingParty.workerSecret)]
            let issued = try await rp.token(fields)
            #expect(issued.status == .ok, "\(issued.json)")
            let access = try DecodedJWT(try #require(issued.json["access_token"]?.stringValue)).claims
            #expect(access["https://acme.test/quota"] == 100)
            let call = try #require(hooks.calls.last)
            #expect(call.json["trigger"] == "credentials_exchange" && call.json["user"] == nil)
            #expect(call.json["transaction"]?["audience"] == "https://api.acme.test")

            hooks.answer("machines", json: ["action": "deny", "message": "This worker is suspended."])
            let denied = try await rp.token(fields)
            #expect(denied.status == .forbidden)
            #expect(denied.json["error"] == "access_denied")
            #expect(denied.json["error_description"] == "This worker is suspended.")
        }
    }
}

extension TestServer {
    /// Replaces acme's `hooks:` section (up to `webhooks:`) with `yaml`, which ends with
    /// `webhooks:`, and reloads.
    func replaceHooks(with yaml: String) async throws {
        try edit("config/tenants/acme.yaml") { text in
            guard let start = text.range(of: "hooks:\n"), let end = text.range(of: "webhooks:\n") else { return text }
            return text.replacingCharacters(in: start.lowerBound..<end.upperBound, with: yaml + "\n")
        }
        #expect(await reloader.reload(reason: "test"))
    }
}
