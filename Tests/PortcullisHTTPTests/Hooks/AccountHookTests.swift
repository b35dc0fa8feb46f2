import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisHTTP
import PortcullisHooks
import Testing

/// Registration, update and deletion hooks on the hosted sign-up and the management API: a
/// refusal with its message in the person's language or the API's error, metadata set before the
/// user is stored, notifications after.
@Suite("Account hooks: registration, update, deletion")
struct AccountHookTests {
    static let hooks = """
        hooks:
          - name: gatekeeper
            trigger: pre_user_registration
            url: http://127.0.0.1:8089/hooks/registration
            secret: acme-hook-secret
          - name: welcome
            trigger: post_user_registration
            url: http://127.0.0.1:8089/hooks/welcome
            secret: acme-hook-secret
          - name: guard-updates
            trigger: pre_user_update
            url: http://127.0.0.1:8089/hooks/update
            secret: acme-hook-secret
          - name: guard-deletions
            trigger: pre_user_deletion
            url: http://127.0.0.1:8089/hooks/deletion
            secret: acme-hook-secret
          - name: farewell
            trigger: post_user_deletion
            url: http://127.0.0.1:8089/hooks/farewell
            secret: acme-hook-secret

        webhooks:
        """

    static func run(_ hooks: ScriptedHooks,
                    _ body: @Sendable (TestServer, any TestClientProtocol) async throws -> Void) async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.replaceHooks(with: Self.hooks)
        let services = ServerServices(storage: server.storage, renderer: server.renderer,
                                      hashing: PasswordHashingPool(workers: 2, queueCapacity: 32), hookTransport: hooks,
                                      configStore: server.configStore)
        try await server.application(services: services).test(.router) { client in try await body(server, client) }
    }

    /// Waits for a notification hook, which runs after the response.
    static func waitForCall(_ hooks: ScriptedHooks, _ name: String) async throws -> ScriptedHooks.Call {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let call = hooks.calls.last(where: { $0.headers["Portcullis-Hook"] == name }) { return call }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }

    @Test func registrationIsRefusedInThePersonsLanguageOrGivenMetadata() async throws {
        let hooks = ScriptedHooks()
        hooks.answer("gatekeeper", json: [
            "action": "deny", "message": "Use your work address.", "messages": ["de": "Bitte die Firmenadresse verwenden."],
        ])
        try await Self.run(hooks) { server, client in
            let flows = LoginFlowTests()
            var browser = Browser()
            _ = try await flows.get(client, &browser, "/acme/u/signup", headers: [.acceptLanguage: "de"])
            var headers = browser.cookieHeader
            headers[.contentType] = "application/x-www-form-urlencoded"
            headers[.acceptLanguage] = "de"
            let refused = try await client.execute(uri: "/acme/u/signup", method: .post, headers: headers, body: Browser.form([
                ("csrf_token", browser.csrf), ("email", "erin@gmail.example"), ("password", "a-long-unusual-passphrase"),
            ]))
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("Bitte die Firmenadresse verwenden."))
            #expect(try await server.storage.user(tenantID: "acme", connection: "Username-Password-Authentication",
                                                  email: "erin@gmail.example") == nil)
            let asked = try #require(hooks.calls.first)
            #expect(asked.json["user"]?["email"] == "erin@gmail.example")
            #expect(asked.json["transaction"]?["via"] == "signup")
            #expect(!String(decoding: asked.body, as: UTF8.self).contains("a-long-unusual-passphrase"), "never the password")

            // Through the API: 400 with the hook's message.
            let api = try await ManagementClient.signedIn(client)
            let denied = try await api.send(.post, "/users", json: [
                "connection": "Username-Password-Authentication", "email": "erin@gmail.example",
                "password": "a-long-unusual-passphrase",
            ])
            expectManagementError(denied, 400, "denied_by_hook")
            #expect(denied.json["message"] == "Use your work address.")

            // Allowed with metadata: stored with it, then announced.
            hooks.answer("gatekeeper", json: ["app_metadata": ["plan": "trial"], "user_metadata": ["source": "hook"]])
            let created = try await api.send(.post, "/users", json: [
                "connection": "Username-Password-Authentication", "email": "erin@acme.example",
                "password": "a-long-unusual-passphrase", "app_metadata": ["team": "blue"],
            ])
            #expect(created.status == .created, "\(created.json)")
            #expect(created.json["app_metadata"] == ["plan": "trial", "team": "blue"])
            #expect(created.json["user_metadata"] == ["source": "hook"])
            let welcome = try await Self.waitForCall(hooks, "welcome")
            #expect(welcome.json["user"]?["user_id"] == created.json["user_id"])
        }
    }

    @Test func updatesAndDeletionsMayBeVetoed() async throws {
        let hooks = ScriptedHooks()
        try await Self.run(hooks) { _, client in
            let api = try await ManagementClient.signedIn(client)
            let created = try await api.send(.post, "/users", json: [
                "connection": "Username-Password-Authentication", "email": "fay@acme.example",
                "password": "a-long-unusual-passphrase",
            ])
            let path = ManagementClient.path(try #require(created.json["user_id"]?.stringValue))

            hooks.answer("guard-updates", json: ["action": "deny", "message": "Names are managed by HR."])
            let vetoed = try await api.send(.patch, path, json: ["name": "Fay"])
            expectManagementError(vetoed, 400, "denied_by_hook")
            #expect(vetoed.json["message"] == "Names are managed by HR.")
            let asked = try #require(hooks.calls.last { $0.headers["Portcullis-Hook"] == "guard-updates" })
            #expect(asked.json["user"]?["name"] == nil && asked.json["updated_user"]?["name"] == "Fay")
            #expect(try await api.send(.get, path).json["name"] == nil, "nothing changed")
            hooks.answer("guard-updates", .response(status: 204, body: []))
            #expect(try await api.send(.patch, path, json: ["name": "Fay"]).json["name"] == "Fay")

            hooks.answer("guard-deletions", json: ["action": "deny", "message": "Fay has open invoices."])
            let kept = try await api.send(.delete, path)
            expectManagementError(kept, 409, "denied_by_hook")
            #expect(kept.json["message"] == "Fay has open invoices.")
            #expect(try await api.send(.get, path).status == .ok)
            hooks.answer("guard-deletions", .response(status: 204, body: []))
            #expect(try await api.send(.delete, path).status == .noContent)
            let farewell = try await Self.waitForCall(hooks, "farewell")
            #expect(farewell.json["user"]?["email"] == "fay@acme.example")
        }
    }
}
