/// An API that accepts access tokens from this tenant (an audience).
public struct ResourceServerConfig: ConfigObject, Hashable {
    public static let definitionName = "ResourceServer"
    public static let summary = "An API (resource server): the audience of access tokens and its scopes."

    public enum TokenDialect: String, ConfigEnum, ConfigDefault, Sendable {
        /// Granted scopes in `scope`.
        case accessToken = "access_token"
        /// Also a `permissions` array.
        case accessTokenAuthz = "access_token_authz"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var identifier: Located<String>
    public var name: String
    public var scopes: [ScopeConfig]
    public var signingAlgorithm: SigningKeyConfig.Algorithm?
    public var tokenLifetime: Duration
    public var tokenLifetimeForWeb: Duration
    public var enforcePolicies: Bool
    public var tokenDialect: TokenDialect
    public var allowOfflineAccess: Bool
    /// Built in (the management API), not declared in a file: shown as `is_system` and left out of discovery.
    public var isSystem = false
    public var source: SourceMap

    /// A built-in resource server (see ``ManagementAPIConfig``).
    init(system identifier: Located<String>, name: String, scopes: [ScopeConfig], source: SourceMap) {
        self.identifier = identifier
        self.name = name
        self.scopes = scopes
        signingAlgorithm = nil
        tokenLifetime = .seconds(86_400)
        tokenLifetimeForWeb = .seconds(7_200)
        enforcePolicies = true
        tokenDialect = .accessToken
        allowOfflineAccess = false
        isSystem = true
        self.source = source
    }

    public init(reading r: ObjectReader) {
        identifier = r.required("identifier", "The audience value (`aud`), usually the API's URL; unique within the tenant.")
            ?? Located("", at: r.source.object)
        name = r.optional("name", "Display name.") ?? ""
        scopes = r.list("scopes", "Scopes (permissions) this API defines.")
        signingAlgorithm = r.optional("signing_algorithm", "Algorithm for this API's access tokens; default the tenant's active key.")
        tokenLifetime = r.value("token_lifetime", default: .seconds(86_400), "Lifetime of access tokens for this API.")
        tokenLifetimeForWeb = r.value("token_lifetime_for_web", default: .seconds(7_200),
                                      "Lifetime of access tokens issued to browser-based (spa) clients.")
        enforcePolicies = r.value("enforce_policies", default: false,
                                  "Grant a defined scope to a user only if they hold that permission (directly or through a role).")
        tokenDialect = r.value("token_dialect", default: .accessToken, "access_token, or access_token_authz to add `permissions`.")
        allowOfflineAccess = r.value("allow_offline_access", default: true, "Whether refresh tokens may be issued for this API.")
        source = r.source
        guard !r.isDescribing else { return }
        if name.isEmpty { name = identifier.value }
        if identifier.value.isEmpty, r.has("identifier") { r.report("identifier", "must not be empty") }
        for lifetime in [("token_lifetime", tokenLifetime), ("token_lifetime_for_web", tokenLifetimeForWeb)]
        where lifetime.1 < .seconds(60) || lifetime.1 > .seconds(30 * 86_400) {
            r.report(lifetime.0, "must be between 1m and 30d")
        }
        if tokenLifetimeForWeb > tokenLifetime {
            r.report("token_lifetime_for_web", "must not be longer than token_lifetime (\(tokenLifetime.configText))")
        }
    }
}

public struct ScopeConfig: ConfigObject, Hashable {
    public static let definitionName = "Scope"
    public static let summary = "A scope of a resource server."

    public var value: String
    public var description: String

    public init(value: String, description: String) {
        self.value = value
        self.description = description
    }

    public init(reading r: ObjectReader) {
        value = r.required("value", "The scope string, e.g. read:orders.") ?? ""
        description = r.optional("description", "Shown on the consent page.") ?? ""
        guard !r.isDescribing, r.has("value") else { return }
        if value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || !$0.isASCII || $0.isNewline }) {
            r.report("value", "must be non-empty printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)")
        }
    }
}

/// Grants a machine-to-machine client scopes on an API (client_credentials).
public struct ClientGrantConfig: ConfigObject, Hashable {
    public static let definitionName = "ClientGrant"
    public static let summary = "Scopes a client may obtain for an API with the client_credentials grant."

    public var clientID: Located<Identifier>?
    public var audience: Located<String>?
    public var scopes: [Located<String>]
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        clientID = r.required("client_id", "The client.")
        audience = r.required("audience", "Identifier of the resource server.")
        scopes = r.list("scopes", "Granted scopes, each defined by the resource server.")
        source = r.source
    }
}

/// A role: a named set of permissions on APIs.
public struct RoleConfig: ConfigObject, Hashable {
    public static let definitionName = "Role"
    public static let summary = "A role: a named set of API permissions."

    public var name: Identifier
    public var description: String
    public var permissions: [PermissionConfig]
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "Role name, unique within the tenant.") ?? ""
        description = r.optional("description", "What the role is for.") ?? ""
        permissions = r.list("permissions", "Permissions the role grants.")
        source = r.source
    }
}

public struct PermissionConfig: ConfigObject, Hashable {
    public static let definitionName = "Permission"
    public static let summary = "Scopes of one resource server."

    public var resourceServer: Located<String>?
    public var scopes: [Located<String>]
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        resourceServer = r.required("resource_server", "Identifier of the resource server.")
        scopes = r.list("scopes", "Scopes of that resource server.")
        source = r.source
    }
}
