import Foundation
import PortcullisConfig
import Testing

/// The committed schema and reference are generated; they must match what the code says.
@Suite("Generated documentation")
struct GeneratedDocsTests {
    @Test func committedSchemaIsCurrent() throws {
        let committed = try String(contentsOf: ConfigFixture.repositoryRoot.appendingPathComponent("docs/config.schema.json"), encoding: .utf8)
        #expect(committed == ConfigSchema.text(), "docs/config.schema.json is stale: run `portcullis config schema > docs/config.schema.json`")
    }

    @Test func committedReferenceIsCurrent() throws {
        let committed = try String(contentsOf: ConfigFixture.repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        #expect(committed == ConfigReference.markdown(), "docs/configuration.md is stale: run `portcullis config reference > docs/configuration.md`")
    }

    @Test func schemaDescribesEveryTenantSection() throws {
        let schema = ConfigSchema.document()
        let tenant = try #require(schema["$defs"]?["Tenant"]?["properties"])
        for key in ["id", "issuer", "clients", "connections", "resource_servers", "client_grants", "roles", "hooks",
                    "webhooks", "access_rules", "saml_service_providers", "signing_keys"] {
            #expect(tenant[key] != nil, "missing \(key)")
        }
        #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func exampleConfigIsValid() async throws {
        let fixture = try ConfigFixture()
        defer { fixture.remove() }
        let result = await fixture.load()
        #expect(result.issues.isEmpty)
        let snapshot = try #require(result.snapshot)
        #expect(snapshot.tenants.map(\.id) == ["acme", "globex"])
        #expect(snapshot.tenantsByID["acme"]?.signingKeys.map(\.kid) == ["acme-rs256-2026", "acme-es256-2026"])
        #expect(snapshot.route(host: "127.0.0.1:8080", path: "/acme/.well-known/jwks.json")?.tenant.id == "acme")
        #expect(snapshot.route(host: "127.0.0.1:8080", path: "/acmex/.well-known/jwks.json") == nil)
        #expect(snapshot.route(host: "127.0.0.1:8081", path: "/acme/x") == nil)
    }
}
