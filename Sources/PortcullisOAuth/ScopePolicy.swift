import PortcullisCore

/// Which requested scopes a user or client is given (the security model's RBAC rules).
///
/// - OpenID scopes are granted when the client may request them (`allowed_scopes`).
/// - A scope the requested resource server defines is granted, when the API enforces policies,
///   only if the user holds that permission (directly or through one of their effective roles);
///   without enforcement every defined scope is granted.
///
/// It reads nothing: callers pass what the user holds (``HeldPermissions`` loads it).
/// - A scope the resource server does not define passes through unchanged.
public struct ScopePolicy: Sendable {
    public static let openIDScopes: Set<String> = ["openid", "profile", "email", "address", "phone", "offline_access"]

    let tenant: TenantConfig

    public init(tenant: TenantConfig) { self.tenant = tenant }

    /// The permissions (scope values) held on `resourceServer`: those the roles give plus `direct`,
    /// the user's own grants on it, sorted and unique.
    public func permissions(roles: [String], direct: [String] = [], resourceServer: String) -> [String] {
        let roleSet = Set(roles)
        var granted = Set(direct)
        for role in tenant.roles where roleSet.contains(role.name.value) {
            for permission in role.permissions where permission.resourceServer?.value == resourceServer {
                granted.formUnion(permission.scopes.map(\.value))
            }
        }
        return granted.sorted()
    }

    /// Scopes granted to a user of `client`, in request order. `held`: the user's permissions on
    /// `resourceServer` (see ``permissions(roles:direct:resourceServer:)``).
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
