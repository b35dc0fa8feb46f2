import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import Testing

/// Who may call the management API: a token for this tenant's `{issuer}/api/v2/` audience with
/// the route's scope; everything else fails in Auth0's error shape.
@Suite("Management API authentication")
struct ManagementAuthTests {
    @Test func tokensScopesAndTenants() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let anonymous = ManagementClient(client: client, token: nil)
            expectManagementError(try await anonymous.send(.get, "/users"), 401, "missing_authentication")
            let missing = try await anonymous.send(.get, "/users")
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            expectManagementError(try await ManagementClient(client: client, token: "not.a.jwt").send(.get, "/users"), 401,
                                  "invalid_token")

            // A valid token for another API of the tenant is not a management token.
            let worker = try await ManagementClient.signedIn(client, as: ("acme-worker", "acme-worker-dev-secret"),
                                                             audience: "https://api.acme.test")
            expectManagementError(try await worker.send(.get, "/users"), 401, "invalid_token")

            let auditor = try await ManagementClient.signedIn(client, as: ManagementClient.auditor)
            #expect(try await auditor.send(.get, "/users").status == .ok)
            let refused = try await auditor.send(.post, "/users", json: ["connection": "Username-Password-Authentication",
                                                                          "email": "x@example.com"])
            expectManagementError(refused, 403, "insufficient_scope")
            #expect(refused.json["message"]?.stringValue?.contains("create:users") == true)

            // acme's token on globex: another issuer and other keys.
            let admin = try await ManagementClient.signedIn(client)
            let elsewhere = try await client.execute(uri: "/globex/api/v2/users", method: .get,
                                                     headers: [.authorization: "Bearer \(admin.token ?? "")"])
            #expect(elsewhere.status == .unauthorized)

            // Unknown routes and methods answer in the same shape.
            expectManagementError(try await admin.send(.get, "/no-such-thing"), 404, "not_found")
            expectManagementError(try await admin.send(.put, "/users"), 404, "not_found")
        }
    }

    @Test func theManagementAPIIsAResourceServerWithAuth0Scopes() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let tenant = try #require(server.configStore.snapshot.tenantsByID["acme"])
        let api = try #require(tenant.resourceServer("http://localhost/acme/api/v2/"))
        #expect(api.isSystem)
        #expect(api.enforcePolicies)
        #expect(!api.allowOfflineAccess)
        #expect(api.scopes.map(\.value).contains("read:users"))
        // Discovery lists the tenant's own APIs' scopes, not the management API's.
        let discovery = try JSONDecoder().decode(JSONValue.self, from: tenant.discoveryDocument)
        guard case .array(let scopes)? = discovery["scopes_supported"] else { Issue.record("no scopes_supported"); return }
        #expect(scopes.contains("read:orders"))
        #expect(!scopes.contains("read:users"))
    }
}

extension ManagementAuthTests {
    /// A verified token is remembered for one configuration snapshot only: after a reload that
    /// removes its signing key, the same token is refused on the next call.
    @Test func aKeyRemovedByReloadStopsACachedToken() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            let api = try await ManagementClient.signedIn(client)
            #expect(try await api.send(.get, "/users").status == .ok)
            #expect(try await api.send(.get, "/users").status == .ok, "from the cache")
            // Sign with the ES256 key from now on and drop the RS256 one that signed the token.
            // The SAML service provider goes too: it signs with RS256, and a tenant without an RS256
            // key cannot serve it (a config error).
            try server.edit("config/tenants/acme.yaml") { text in
                String(text[..<(text.range(of: "saml_service_providers:")?.lowerBound ?? text.endIndex)]).replacingOccurrences(
                    of: "  - kid: acme-rs256-2026\n    algorithm: RS256\n    secret: acme-signing-rs256\n    status: active\n",
                    with: "")
                    .replacingOccurrences(of: "    status: published", with: "    status: active")
                    .replacingOccurrences(of: "    signing_algorithm: RS256\n", with: "")
            }
            #expect(await server.reloader.reload(reason: "test") == true)
            expectManagementError(try await api.send(.get, "/users"), 401, "invalid_token")
            let renewed = try await ManagementClient.signedIn(client)
            #expect(try await renewed.send(.get, "/users").status == .ok)
        }
    }
}
