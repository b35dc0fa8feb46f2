import Foundation
import HummingbirdTesting
@testable import PortcullisHTTP
import PortcullisManagement
import PortcullisCore
import Testing

/// The OpenAPI document and the router describe the same API.
@Suite("Management API OpenAPI document")
struct ManagementOpenAPITests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        let routed = Dictionary(ManagementEndpoints.routes.map { ($0.path, Set($0.methods.map { $0.rawValue.lowercased() })) },
                                uniquingKeysWith: { $0.union($1) })
        let documented = ManagementOpenAPI.routes
        #expect(Set(routed.keys) == Set(documented.keys))
        for (path, methods) in routed {
            #expect(documented[path] == methods, "\(path): routed \(methods.sorted()), documented \((documented[path] ?? []).sorted())")
        }
    }

    @Test func theCommittedDocumentIsCurrentAndServedPerTenant() async throws {
        let committed = try String(contentsOf: TestServer.repositoryRoot.appendingPathComponent("docs/api/openapi.json"), encoding: .utf8)
        #expect(committed == ManagementOpenAPI.text(), "docs/api/openapi.json is stale: run `portcullis api openapi > docs/api/openapi.json`")
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let response = try await client.execute(uri: "/acme/api/v2/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
            #expect(document["servers"]?.arrayValue?.first?["url"] == "http://localhost/acme/api/v2")
            #expect(document["openapi"] == "3.1.0")
        }
    }
}
