import Foundation
import HummingbirdTesting
import PortcullisStore
import Testing

@Suite("Direct user permissions")
struct DirectPermissionTests {
    /// acme's API enforces policies and uses the `access_token_authz` dialect; the user has no role.
    @Test func directPermissionGrantsItsScopeUntilRevoked() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let user = try await server.createAcmeUser()
        let api = "https://api.acme.test"
        _ = try await server.storage.grantPermission(tenantID: "acme", userID: user.id, resourceServer: api,
                                                     permission: "read:orders", at: Date())
        // A grant on another API does not leak into this one.
        _ = try await server.storage.grantPermission(tenantID: "acme", userID: user.id, resourceServer: "https://other.test",
                                                     permission: "admin:reports", at: Date())
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let tokens = try await rp.spaTokens(scope: "openid offline_access read:orders admin:reports",
                                                extra: [("audience", api)])
            let access = try DecodedJWT(try #require(tokens["access_token"]?.stringValue))
            #expect(access.claims["scope"] == "openid offline_access read:orders")
            #expect(access.claims["permissions"] == ["read:orders"])

            // Permissions are recomputed at refresh; the refreshed token no longer carries it.
            _ = try await server.storage.revokePermission(tenantID: "acme", userID: user.id, resourceServer: api,
                                                          permission: "read:orders")
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            let refreshed = try await rp.refresh(refresh)
            #expect(refreshed.status == .ok, "\(refreshed.json)")
            let after = try DecodedJWT(try #require(refreshed.json["access_token"]?.stringValue))
            #expect(after.claims["permissions"] == [])
        }
    }
}
