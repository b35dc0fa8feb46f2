import PortcullisAccounts
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
        try await EffectivePermissions(storage: storage).names(heldBy: userID, organizationID: organizationID,
                                                               on: resourceServer.identifier.value, in: tenant.config)
    }
}
