import Foundation
import PortcullisUI
import Testing

private let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Templates").path

private func frame(_ locale: String) -> PageFrame {
    PageFrame(tenantName: "Acme <Corp>", logoURL: nil, primaryColor: "#1f4fd1", pageBackground: nil, locale: locale,
              nonce: "n0nce", csrfToken: "123.abc", assetsPath: "/acme/u/assets")
}

@Suite("Hosted pages")
struct PageRendererTests {
    @Test(arguments: Page.allCases)
    func everyPageRendersInEnglishAndGerman(_ page: Page) async throws {
        let renderer = try await PageRenderer(templateDirectory: templates)
        for locale in ["en", "de"] {
            let html = await renderer.render(page, frame: frame(locale), values: ["action": "/acme/u/\(page.rawValue)"])
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<html lang=\"\(locale)\">"))
            #expect(html.contains("Acme &lt;Corp&gt;"), "tenant name must be escaped")
            #expect(!html.contains("{{"), "unrendered tag")
            #expect(html.contains("nonce=\"n0nce\""))
            if [.login, .signup, .forgotPassword, .resetPassword, .consent, .logout].contains(page) {
                #expect(html.contains("name=\"csrf_token\" value=\"123.abc\""))
            }
        }
    }

    @Test func loginPageHasAccessibleFields() async throws {
        let renderer = try await PageRenderer(templateDirectory: templates)
        let html = await renderer.render(.login, frame: frame("de"), values: ["action": "/acme/u/login", "error": "Falsch"])
        #expect(html.contains("autocomplete=\"username\""))
        #expect(html.contains("autocomplete=\"current-password\""))
        #expect(html.contains("<label for=\"password\">Passwort</label>"))
        #expect(html.contains("role=\"alert\">Falsch<"))
    }

    @Test func localeNegotiation() async throws {
        let catalog = try MessageCatalog(directory: templates + "/i18n")
        #expect(catalog.negotiate(uiLocales: "fr de", acceptLanguage: "en") == "de")
        #expect(catalog.negotiate(uiLocales: nil, acceptLanguage: "fr-CH, de-AT;q=0.8, en;q=0.5") == "de")
        #expect(catalog.negotiate(uiLocales: nil, acceptLanguage: "en;q=0.9, de;q=1.0") == "de")
        #expect(catalog.negotiate(uiLocales: nil, acceptLanguage: "fr") == "en")
        #expect(catalog.negotiate(uiLocales: nil, acceptLanguage: nil) == "en")
        #expect(catalog.text("password_rules", locale: "de", ["min": "10"]) == "Mindestens 10 Zeichen. Vermeiden Sie verbreitete Passwörter.")
    }

    @Test func everyLocaleHasEveryKey() throws {
        let catalog = try MessageCatalog(directory: templates + "/i18n")
        let english = Set(catalog.table(for: "en").keys)
        let german = try String(contentsOfFile: templates + "/i18n/de.yaml", encoding: .utf8)
        for key in english { #expect(german.contains("\n\(key):"), "de.yaml lacks \(key)") }
    }

    @Test func csrfTokens() throws {
        let now = Date()
        let token = CSRFToken.make(now: now)
        try CSRFToken.verify(form: token, cookie: token, now: now)
        #expect(throws: CSRFToken.Failure.missing) { try CSRFToken.verify(form: nil, cookie: token, now: now) }
        #expect(throws: CSRFToken.Failure.mismatch) { try CSRFToken.verify(form: CSRFToken.make(now: now), cookie: token, now: now) }
        #expect(throws: CSRFToken.Failure.expired) {
            try CSRFToken.verify(form: token, cookie: token, now: now.addingTimeInterval(3 * 3600))
        }
    }
}
