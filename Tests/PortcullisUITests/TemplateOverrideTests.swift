import Foundation
import PortcullisUI
import Testing

private let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Templates").path

@Suite("Per-tenant template overrides")
struct TemplateOverrideTests {
    func frame() -> PageFrame {
        PageFrame(tenantName: "Acme", logoURL: nil, primaryColor: nil, pageBackground: nil, locale: "en",
                  nonce: "n", csrfToken: "1.t", assetsPath: "/acme/u/assets")
    }

    @Test func overrideReplacesOnlyTheTemplatesItHas() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overrides-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        {{<layout}}{{$title}}Custom{{/title}}{{$heading}}Welcome to Acme{{/heading}}{{$body}}<p>custom login</p>{{/body}}{{/layout}}
        """.write(to: directory.appendingPathComponent("login.mustache"), atomically: true, encoding: .utf8)
        let renderer = try await PageRenderer(templateDirectory: templates)
        let login = await renderer.render(.login, frame: frame(), overrideDirectory: directory.path)
        #expect(login.contains("Welcome to Acme"))
        #expect(login.contains("<p>custom login</p>"))
        #expect(login.contains("Secured by Portcullis"), "the shipped layout still frames the page")
        let signup = await renderer.render(.signup, frame: frame(), overrideDirectory: directory.path)
        #expect(signup.contains("Create your account"), "pages without an override stay as shipped")
    }

    @Test func aMissingOverrideDirectoryFallsBackToTheShippedTemplates() async throws {
        let renderer = try await PageRenderer(templateDirectory: templates)
        let login = await renderer.render(.login, frame: frame(), overrideDirectory: "/nonexistent/portcullis-templates")
        #expect(login.contains("Log in to continue"))
    }

    @Test func aTemplateDirectoryWithoutPagesIsRefusedAtStart() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await PageRenderer(templateDirectory: FileManager.default.temporaryDirectory.path)
        }
    }
}
