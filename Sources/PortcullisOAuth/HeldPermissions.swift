import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Loads what a user holds on one resource server — permissions from their effective roles (in
/// `organizationID`, if any) plus their direct grants — for ``ScopePolicy``, which reads nothing.
/// Shared by the authorization endpoint (scope decision) and the user grants (`permissions` claim)
/// so both see the same set.
enum HeldPermissions {
    static func load(userID: String, organizationID: String?, on resourceServer: ResourceServerConfig,
                     tenant: Tenant, storage: any OAuthStorage) async throws -> [String] {
        let roles = try await storage.effectiveRoles(tenantID: tenant.id, userID: userID, organizationID: organizationID)
        let identifier = resourceServer.identifier.value
        // All of the user's direct grants, filtered here: a user has few, and the store stays simple.
        let direct = try await storage.permissions(tenantID: tenant.id, userID: userID)
            .filter { $0.resourceServer == identifier }
            .map(\.permission)
        return ScopePolicy(tenant: tenant.config).permissions(roles: roles, direct: direct, resourceServer: identifier)
    }
}
