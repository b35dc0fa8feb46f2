import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisStore
import Testing

/// The security model's scope rules, row by row, through real logins and token requests:
/// `enforce_policies` off grants everything requested; on, OpenID scopes are always granted, scopes
/// the API defines only with the permission, scopes it does not define pass through; in both token
/// dialects; and the model's three examples (a restricted admin scope, a fully restricted API, the
/// same user with different permissions in two organizations).
@Suite("Scope rules (security model)")
struct ScopeRuleTableTests {
    /// Resource servers added to the example tenant for the table.
    static let resourceServers = """
      - identifier: https://open.test
        name: Open API
        enforce_policies: false
        token_dialect: access_token
        scopes: [{value: impersonate, description: Impersonate users}]
      - identifier: https://restricted.test
        name: Restricted API
        enforce_policies: true
        token_dialect: access_token
        scopes: [{value: impersonate, description: Impersonate users}]
      - identifier: https://restricted-authz.test
        name: Restricted API with permissions
        enforce_policies: true
        token_dialect: access_token_authz
        scopes: [{value: impersonate, description: Impersonate users}]
      - identifier: https://admin.test
        name: Public API with a restricted admin scope
        enforce_policies: true
        token_dialect: access_token
        scopes: [{value: "admin:all", description: Full admin access}]
      - identifier: https://full.test
        name: Fully restricted API
        enforce_policies: true
        token_dialect: access_token_authz
        scopes:
          - {value: "read:users", description: Read users}
          - {value: "write:users", description: Write users}
          - {value: "delete:users", description: Delete users}

    """

    struct Row: Sendable, CustomStringConvertible {
        var name: String
        var api: String
        var requested: String
        /// Permissions the user holds directly on `api`.
        var holds: [String] = []
        var granted: String
        /// The `permissions` claim, for the `access_token_authz` dialect (`nil`: no claim).
        var permissions: [String]?

        var description: String { name }
    }

    static let rows: [Row] = [
        Row(name: "enforcement off: everything requested", api: "https://open.test",
            requested: "openid impersonate entitlement", granted: "openid impersonate entitlement"),
        Row(name: "enforced, without the permission", api: "https://restricted.test",
            requested: "openid impersonate entitlement", granted: "openid entitlement"),
        Row(name: "enforced, with the permission", api: "https://restricted.test",
            requested: "openid impersonate entitlement", holds: ["impersonate"], granted: "openid impersonate entitlement"),
        Row(name: "authz dialect, without the permission", api: "https://restricted-authz.test",
            requested: "openid impersonate entitlement", granted: "openid entitlement", permissions: []),
        Row(name: "authz dialect, with the permission", api: "https://restricted-authz.test",
            requested: "openid impersonate entitlement", holds: ["impersonate"], granted: "openid impersonate entitlement",
            permissions: ["impersonate"]),
        Row(name: "example 1: only the admin scope is restricted", api: "https://admin.test",
            requested: "openid read:users write:posts admin:all", granted: "openid read:users write:posts"),
        Row(name: "example 1: an admin gets it", api: "https://admin.test",
            requested: "openid read:users admin:all", holds: ["admin:all"], granted: "openid read:users admin:all"),
        Row(name: "example 2: a fully restricted API, OpenID scopes still granted", api: "https://full.test",
            requested: "openid profile read:users write:users delete:users", holds: ["read:users"],
            granted: "openid profile read:users", permissions: ["read:users"]),
    ]

    @Test(arguments: rows)
    func row(_ row: Row) async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try server.edit("config/tenants/acme.yaml") { text in
            // Appended to the tenant's resource_servers list (the last list before client_grants).
            text.replacingOccurrences(of: "\nclient_grants:\n", with: "\n" + Self.resourceServers + "client_grants:\n")
        }
        #expect(await server.reloader.reload(reason: "test") == true)
        let user = try await server.createAcmeUser()
        for permission in row.holds {
            _ = try await server.storage.grantPermission(tenantID: "acme", userID: user.id, resourceServer: row.api,
                                                         permission: permission, at: Date())
        }
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let tokens = try await rp.spaTokens(scope: row.requested, extra: [("audience", row.api)])
            let access = try DecodedJWT(try #require(tokens["access_token"]?.stringValue))
            #expect(access.claims["scope"]?.stringValue == row.granted, "\(row.name)")
            #expect(tokens["scope"]?.stringValue == row.granted, "\(row.name): the token response's scope")
            let permissions = access.claims["permissions"]?.arrayValue?.compactMap(\.stringValue)
            #expect(permissions == row.permissions, "\(row.name)")
        }
    }

    /// Example 3: the same user, different permissions by organization.
    @Test func theSameUserHoldsDifferentPermissionsInEachOrganization() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try server.edit("config/tenants/acme.yaml") { text in
            text.replacingOccurrences(of: "\nclient_grants:\n", with: "\n" + Self.resourceServers + "client_grants:\n")
        }
        #expect(await server.reloader.reload(reason: "test") == true)
        let user = try await server.createAcmeUser()
        let storage = server.storage
        for (organization, role, permissions) in [("org-a", "reader", ["read:users"]),
                                                  ("org-b", "lead", ["read:users", "write:users", "delete:users"])] {
            let created = Organization(tenantID: "acme", name: organization, createdAt: Date())
            try await storage.createOrganization(created, connections: [OrganizationConnection(
                tenantID: "acme", organizationID: created.id, connection: user.connection, createdAt: Date())], events: [])
            try await storage.addMember(tenantID: "acme", organizationID: created.id, userID: user.id, at: Date())
            let runtime = RuntimeRole(tenantID: "acme", name: role, createdAt: Date())
            try await storage.createRole(runtime, events: [])
            _ = try await storage.addPermissions(permissions.map { RolePermission(resourceServer: "https://full.test", permission: $0) },
                                                 toRole: runtime.id, tenantID: "acme", at: Date(), events: [])
            _ = try await storage.assignRole(tenantID: "acme", userID: user.id, role: role, organizationID: created.id, at: Date())
        }
        try await server.application(services: server.makeServices()).test(.router) { client in
            var rp = RelyingParty(client)
            let requested = "openid read:users write:users"
            var granted: [String: (String?, [String]?, String?)] = [:]
            for organization in ["org-a", "org-b"] {
                let tokens = try await rp.spaTokens(scope: requested, extra: [("audience", "https://full.test"),
                                                                            ("organization", organization)])
                let access = try DecodedJWT(try #require(tokens["access_token"]?.stringValue))
                granted[organization] = (access.claims["scope"]?.stringValue,
                                         access.claims["permissions"]?.arrayValue?.compactMap(\.stringValue),
                                         access.claims["org_name"]?.stringValue)
            }
            #expect(granted["org-a"]?.0 == "openid read:users")
            #expect(granted["org-a"]?.1 == ["read:users"])
            #expect(granted["org-a"]?.2 == "org-a")
            #expect(granted["org-b"]?.0 == "openid read:users write:users")
            #expect(granted["org-b"]?.1 == ["delete:users", "read:users", "write:users"])
            // Outside any organization the user holds nothing on this API.
            let plain = try await rp.spaTokens(scope: requested, extra: [("audience", "https://full.test")])
            let access = try DecodedJWT(try #require(plain["access_token"]?.stringValue))
            #expect(access.claims["scope"]?.stringValue == "openid")
            #expect(access.claims["permissions"]?.arrayValue == [])
        }
    }
}
