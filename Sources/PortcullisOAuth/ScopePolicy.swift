import PortcullisCore

/// Which requested scopes a user or client is given (the security model's RBAC rules).
///
/// - OpenID scopes are granted when the client may request them (`allowed_scopes`).
/// - A scope the requested resource server defines is granted, when the API enforces policies,
///   only if the user holds that permission (directly or through one of their effective roles);
///   without enforcement every defined scope is granted.
///
/// It reads nothing: callers pass what the user holds (``HeldPermissions`` loads it through
/// `EffectivePermissions`, the one computation of what a user holds).
/// - A scope the resource server does not define passes through unchanged.
public struct ScopePolicy: Sendable {
    public static let openIDScopes: Set<String> = ["openid", "profile", "email", "address", "phone", "offline_access"]

    let tenant: TenantConfig

    public init(tenant: TenantConfig) { self.tenant = tenant }

    /// Scopes granted to a user of `client`, in request order. `held`: the user's permissions on
    /// `resourceServer` (see ``HeldPermissions``).
    public func userScopes(requested: [String], client: ClientConfig, resourceServer: ResourceServerConfig?,
                           held: Set<String>) -> [String] {
        let defined = Set(resourceServer?.scopes.map(\.value) ?? [])
        return requested.filter { scope in
            if Self.openIDScopes.contains(scope) {
                guard client.allowedScopes.contains(scope) else { return false }
                if scope == "offline_access" {
                    guard client.grantTypes.contains(.refreshToken) else { return false }
                    if let resourceServer, !resourceServer.allowOfflineAccess { return false }
                }
                return true
            }
            guard let resourceServer, defined.contains(scope) else { return true }
            return !resourceServer.enforcePolicies || held.contains(scope)
        }
    }
}
