/// The management API every tenant has, at `{issuer}/api/v2/`: a resource server that no file
/// declares (as Auth0's "Auth0 Management API" is there in every Auth0 tenant), so that
/// `client_grants` can grant its scopes and the token endpoint issues tokens for it like for any
/// other API.
public enum ManagementAPIConfig {
    /// The path below the issuer; the identifier keeps the trailing slash, as Auth0's does.
    public static let path = "/api/v2/"

    /// `{issuer}/api/v2/`: the audience of management tokens.
    public static func identifier(issuer: AbsoluteURL) -> String {
        var base = issuer.text
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// Auth0's scope names, for the routes Portcullis serves and the ones the organization and
    /// role issues add; each route names the one it requires.
    public static let scopes: [ScopeConfig] = [
        ScopeConfig(value: "read:users", description: "Read users"),
        ScopeConfig(value: "create:users", description: "Create users"),
        ScopeConfig(value: "update:users", description: "Update users"),
        ScopeConfig(value: "delete:users", description: "Delete users"),
        ScopeConfig(value: "read:users_app_metadata", description: "Read users' app_metadata"),
        ScopeConfig(value: "create:users_app_metadata", description: "Set app_metadata on new users"),
        ScopeConfig(value: "update:users_app_metadata", description: "Update users' app_metadata"),
        ScopeConfig(value: "delete:users_app_metadata", description: "Delete users' app_metadata"),
        ScopeConfig(value: "read:sessions", description: "Read sessions"),
        ScopeConfig(value: "delete:sessions", description: "End sessions"),
        ScopeConfig(value: "read:refresh_tokens", description: "Read refresh tokens"),
        ScopeConfig(value: "delete:refresh_tokens", description: "Revoke refresh tokens"),
        ScopeConfig(value: "read:logs", description: "Read the tenant's logs"),
        ScopeConfig(value: "read:logs_users", description: "Read a user's logs"),
        ScopeConfig(value: "read:clients", description: "Read clients (configuration)"),
        ScopeConfig(value: "read:connections", description: "Read connections (configuration)"),
        ScopeConfig(value: "read:resource_servers", description: "Read resource servers (configuration)"),
        ScopeConfig(value: "read:client_grants", description: "Read client grants (configuration)"),
        ScopeConfig(value: "read:roles", description: "Read roles"),
        ScopeConfig(value: "create:roles", description: "Create roles"),
        ScopeConfig(value: "update:roles", description: "Update roles"),
        ScopeConfig(value: "delete:roles", description: "Delete roles"),
        ScopeConfig(value: "read:role_members", description: "Read a role's users"),
        ScopeConfig(value: "create:role_members", description: "Give users a role"),
        ScopeConfig(value: "delete:role_members", description: "Take a role from users"),
        ScopeConfig(value: "read:organizations", description: "Read organizations"),
        ScopeConfig(value: "create:organizations", description: "Create organizations"),
        ScopeConfig(value: "update:organizations", description: "Update organizations"),
        ScopeConfig(value: "delete:organizations", description: "Delete organizations"),
        ScopeConfig(value: "read:organization_members", description: "Read organization members"),
        ScopeConfig(value: "create:organization_members", description: "Add organization members"),
        ScopeConfig(value: "delete:organization_members", description: "Remove organization members"),
        ScopeConfig(value: "read:organization_member_roles", description: "Read members' roles"),
        ScopeConfig(value: "create:organization_member_roles", description: "Assign members' roles"),
        ScopeConfig(value: "delete:organization_member_roles", description: "Unassign members' roles"),
        ScopeConfig(value: "read:organization_connections", description: "Read organizations' enabled connections"),
        ScopeConfig(value: "create:organization_connections", description: "Enable connections for organizations"),
        ScopeConfig(value: "update:organization_connections", description: "Change organizations' enabled connections"),
        ScopeConfig(value: "delete:organization_connections", description: "Disable connections for organizations"),
        ScopeConfig(value: "read:organization_invitations", description: "Read invitations"),
        ScopeConfig(value: "create:organization_invitations", description: "Invite to organizations"),
        ScopeConfig(value: "delete:organization_invitations", description: "Delete invitations"),
        ScopeConfig(value: "read:events", description: "Read the event log webhooks deliver from"),
        ScopeConfig(value: "read:webhooks", description: "Read webhook deliveries"),
        ScopeConfig(value: "update:webhooks", description: "Retry webhook deliveries"),
    ]

    /// The resource server as the rest of the configuration sees it. Users get its scopes only
    /// through permissions (`enforce_policies`), never just by asking; it issues no refresh tokens.
    public static func resourceServer(issuer: AbsoluteURL, at location: SourceLocation) -> ResourceServerConfig {
        ResourceServerConfig(system: Located(identifier(issuer: issuer), at: location), name: "Portcullis Management API",
                             scopes: scopes, source: SourceMap(object: location))
    }
}
