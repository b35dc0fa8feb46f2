import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisHTTP
import PortcullisHooks
import Testing

@Suite("Hook forms: a post_login hook pauses the login for a form")
struct HookFormTests {
    static let hooks = """
        hooks:
          - name: profile-check
            trigger: post_login
            url: http://127.0.0.1:8089/hooks/profile
            secret: acme-hook-secret
          - name: after-form
            trigger: post_login
            url: http://127.0.0.1:8089/hooks/after
            secret: acme-hook-secret

        forms:
          - name: profile
            title: {en: "Complete your profile", de: "Profil vervollständigen"}
            description: "We need a little more about you."
            save_to: user_metadata
            fields:
              - name: company
                label: {en: "Company", de: "Firma"}
                required: true
                pattern: "[A-Za-z][A-Za-z0-9 .&-]*"
                max_length: 80
              - name: team_size
                type: number
                label: "Team size"
              - name: plan
                type: select
                label: "Plan"
                options:
                  - {value: free, label: "Free"}
                  - {value: pro, label: {en: "Professional", de: "Professionell"}}
              - name: terms
                type: checkbox
                label: {en: "I accept the terms", de: "Ich akzeptiere die Bedingungen"}
                required: true

        webhooks:
        """

    /// `/authorize` up to the form page (the hook asks for it on its first call).
    static func formPage(_ rp: inout RelyingParty, state: String, challenge: String, locales: String? = nil)
        async throws -> (page: TestResponse, html: String)
    {
        var extra: [(String, String)] = []
        if let locales { extra.append(("ui_locales", locales)) }
        let page = try await rp.authorize(RelyingParty.spaRequest(state: state, challenge: challenge, extra))
        return (page, String(buffer: page.body))
    }

    func submit(_ rp: inout RelyingParty, html: String, _ fields: [(String, String)], decision: String = "submit")
        async throws -> TestResponse
    {
        var headers = rp.browser.cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let response = try await rp.client.execute(uri: "/acme/authorize/form", method: .post, headers: headers, body: Browser.form(
            [("csrf_token", rp.browser.csrf), ("state", Self.hidden("state", in: html)), ("ticket", Self.hidden("ticket", in: html)),
             ("decision", decision)] + fields))
        rp.browser.keep(response)
        return response
    }

    /// A hidden field's value as the browser would submit it (HTML entities decoded).
    static func hidden(_ name: String, in html: String) -> String {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return "" }
        var text = String(html[range.upperBound...].prefix { $0 != "\"" })
        while let entity = text.range(of: #"&#(x?)([0-9A-Fa-f]+);"#, options: .regularExpression) {
            let body = text[entity].dropFirst(2).dropLast()
            let code = body.hasPrefix("x") ? UInt32(body.dropFirst(), radix: 16) : UInt32(body)
            text.replaceSubrange(entity, with: String(Character(Unicode.Scalar(code ?? 63) ?? "?")))
        }
        for (entity, character) in [("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    @Test func aFormPausesTheLoginAndItsValuesGoToTheHookAndUserMetadata() async throws {
        let hooks = ScriptedHooks()
        hooks.answer("profile-check", json: ["action": "form", "form": "profile", "id_token_claims": ["https://acme.test/stage": "asked"]])
        try await TokenHookTests.run(hooks, yaml: Self.hooks) { server, rp in
            let pkce = RelyingParty.pkce()
            let (page, html) = try await Self.formPage(&rp, state: "f1", challenge: pkce.challenge)
            #expect(page.status == .ok)
            #expect(html.contains("Complete your profile"))
            #expect(html.contains("name=\"company\""))
            #expect(html.contains("<option value=\"pro\">Professional</option>"))
            #expect(!hooks.calls.contains { $0.headers["Portcullis-Hook"] == "after-form" }, "later hooks wait for the form")

            // Wrong values: the page again, with each field's problem, and nothing continues.
            let wrong = try await submit(&rp, html: html, [("company", "!!"), ("team_size", "many"), ("plan", "gold")])
            #expect(wrong.status == .badRequest)
            let wrongHTML = String(buffer: wrong.body)
            for text in ["does not have the expected format", "Enter a number.", "Choose one of the options.", "This field is required."] {
                #expect(wrongHTML.contains(text), "\(text)")
            }
            #expect(wrongHTML.contains("value=\"!!\""), "what was typed is kept")

            hooks.answer("profile-check", json: ["access_token_claims": ["https://acme.test/company": "Acme Rockets"]])
            let done = try await submit(&rp, html: wrongHTML, [("company", "Acme Rockets"), ("team_size", "12"), ("plan", "pro"),
                                                              ("terms", "on")])
            let code = try RelyingParty.code(from: done, state: "f1")

            // The asking hook was called again with the values, then the next hook ran.
            let resumed = try #require(hooks.calls.last { $0.headers["Portcullis-Hook"] == "profile-check" })
            #expect(resumed.json["form"] == ["name": "profile", "values": [
                "company": "Acme Rockets", "team_size": 12, "plan": "pro", "terms": true,
            ]])
            #expect(resumed.json["changes"]?["id_token_claims"] == ["https://acme.test/stage": "asked"])
            #expect(hooks.calls.contains { $0.headers["Portcullis-Hook"] == "after-form" })

            let tokens = try await rp.token([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RelyingParty.callback),
                ("client_id", "acme-spa"), ("code_verifier", pkce.verifier),
            ])
            #expect(tokens.status == .ok)
            let id = try DecodedJWT(try #require(tokens.json["id_token"]?.stringValue)).claims
            let access = try DecodedJWT(try #require(tokens.json["access_token"]?.stringValue)).claims
            #expect(id["https://acme.test/stage"] == "asked", "changes from before the form are kept")
            #expect(access["https://acme.test/company"] == "Acme Rockets")
            let user = try #require(try await server.storage.user(tenantID: "acme", connection: "Username-Password-Authentication",
                                                                  email: "alice@example.com"))
            #expect(HookPayload.metadata(user.userMetadataJSON) == [
                "company": "Acme Rockets", "team_size": 12, "plan": "pro", "terms": true,
            ])

            // The ticket was used: submitting again continues nothing.
            let replay = try await submit(&rp, html: wrongHTML, [("company", "Acme"), ("terms", "on")])
            #expect(replay.status == .gone)
        }
    }

    @Test func declineDenyAndRefusalsEndTheLoginCleanly() async throws {
        let hooks = ScriptedHooks()
        hooks.answer("profile-check", json: ["action": "form", "form": "profile"])
        try await TokenHookTests.run(hooks, yaml: Self.hooks) { server, rp in
            let pkce = RelyingParty.pkce()
            // German page; declining sends access_denied to the client.
            let (_, german) = try await Self.formPage(&rp, state: "d1", challenge: pkce.challenge, locales: "de")
            #expect(german.contains("Profil vervollständigen") && german.contains("Firma") && german.contains("Anmeldung abbrechen"))
            let declined = try await submit(&rp, html: german, [], decision: "decline")
            let parameters = RelyingParty.parameters(of: declined.headers[.location])
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["error_description"] == "the user declined the form")
            #expect(parameters["state"] == "d1")

            // The hook may deny after seeing the values.
            let (_, html) = try await Self.formPage(&rp, state: "d2", challenge: pkce.challenge)
            hooks.answer("profile-check", json: ["action": "deny", "message": "Acme accounts only."])
            let denied = try await submit(&rp, html: html, [("company", "Initech"), ("terms", "on")])
            #expect(RelyingParty.parameters(of: denied.headers[.location])["error_description"] == "Acme accounts only.")

            // A form changed for another request, or posted from another browser, continues nothing.
            hooks.answer("profile-check", json: ["action": "form", "form": "profile"])
            let (_, third) = try await Self.formPage(&rp, state: "d3", challenge: pkce.challenge)
            var headers = rp.browser.cookieHeader
            headers[.contentType] = "application/x-www-form-urlencoded"
            let tampered = Self.hidden("state", in: third).replacingOccurrences(of: "state=d3", with: "state=evil")
            let swapped = try await rp.client.execute(uri: "/acme/authorize/form", method: .post, headers: headers, body: Browser.form([
                ("csrf_token", rp.browser.csrf), ("state", tampered), ("ticket", Self.hidden("ticket", in: third)),
                ("company", "Acme"), ("terms", "on"),
            ]))
            #expect(swapped.status == .badRequest)
            var other = RelyingParty(rp.client)
            _ = try await other.get("/acme/u/login")
            var otherHeaders = other.browser.cookieHeader
            otherHeaders[.contentType] = "application/x-www-form-urlencoded"
            let elsewhere = try await rp.client.execute(uri: "/acme/authorize/form", method: .post, headers: otherHeaders, body: Browser.form([
                ("csrf_token", other.browser.csrf), ("state", Self.hidden("state", in: third)),
                ("ticket", Self.hidden("ticket", in: third)), ("company", "Acme"), ("terms", "on"),
            ]))
            #expect(elsewhere.status == .badRequest, "another browser has no session of this user")
            let unknown = try await submit(&rp, html: third.replacingOccurrences(of: "name=\"ticket\" value=\"", with: "name=\"ticket\" value=\"x"), [])
            #expect(unknown.status == .gone)
            _ = server
        }
    }

    @Test func withoutAPageAFormIsInteractionRequiredOrSkipped() async throws {
        let hooks = ScriptedHooks()
        try await TokenHookTests.run(hooks, yaml: Self.hooks) { _, rp in
            // Log in once without forms, keeping a refresh token.
            let tokens = try await rp.spaTokens(scope: "openid offline_access")
            hooks.answer("profile-check", json: ["action": "form", "form": "profile", "access_token_claims": ["https://acme.test/x": 1]])
            let pkce = RelyingParty.pkce()
            let silent = try await rp.authorize(RelyingParty.spaRequest(state: "n1", challenge: pkce.challenge, [("prompt", "none")]))
            #expect(RelyingParty.parameters(of: silent.headers[.location])["error"] == "interaction_required")
            // A refresh shows no page: the form request is skipped, the answer's claims apply.
            let refreshed = try await rp.refresh(try #require(tokens["refresh_token"]?.stringValue))
            #expect(refreshed.status == .ok)
            let access = try DecodedJWT(try #require(refreshed.json["access_token"]?.stringValue)).claims
            #expect(access["https://acme.test/x"] == 1)
            // Naming a form the tenant does not declare is a hook failure (on_failure: deny).
            hooks.answer("profile-check", json: ["action": "form", "form": "nope"])
            let unknown = try await rp.authorize(RelyingParty.spaRequest(state: "n2", challenge: pkce.challenge))
            #expect(RelyingParty.parameters(of: unknown.headers[.location])["error"] == "access_denied")
        }
    }
}
