/// One tenant: a file `tenants/<id>.yaml`. A tenant is an isolated issuer with its own keys, clients,
/// connections, APIs, roles, hooks and access rules.
public struct TenantConfig: ConfigObject, Hashable {
    public static let definitionName = "Tenant"
    public static let summary = "config/tenants/<id>.yaml: one tenant, an isolated OpenID Provider."

    public var id: Identifier
    public var issuer: AbsoluteURL?
    public var displayName: String
    public var allowInsecureHTTP: Bool
    public var branding: Branding
    public var session: SessionSettings
    public var signingKeys: [SigningKeyConfig]
    public var connections: [ConnectionConfig]
    public var clients: [ClientConfig]
    public var resourceServers: [ResourceServerConfig]
    public var clientGrants: [ClientGrantConfig]
    public var roles: [RoleConfig]
    public var hooks: [HookConfig]
    public var webhooks: [WebhookConfig]
    public var forms: [FormConfig]
    public var forwardAuth: ForwardAuthSettings
    public var accessRules: [AccessRuleConfig]
    public var samlServiceProviders: [SAMLServiceProviderConfig]
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        id = r.required("id", "Tenant identifier, unique across all tenants; appears in logs and the management API.") ?? ""
        issuer = r.required("issuer",
                            "Issuer URL of this tenant (OpenID Connect `iss`). Requests are routed to the tenant by this URL's host and path prefix, e.g. https://auth.acme.test or http://127.0.0.1:8080/acme.")
        displayName = r.optional("display_name", "Name shown on login pages and in emails.") ?? ""
        allowInsecureHTTP = r.value("allow_insecure_http", default: false,
                                    "Permit http:// URLs (issuer, redirect URIs, hooks) on hosts other than loopback. Only for closed test networks.")
        branding = r.optional("branding", "Look of the hosted login pages.") ?? Branding()
        session = r.optional("session", "Login session cookie and lifetimes.") ?? SessionSettings()
        signingKeys = r.list("signing_keys",
                             "Keys that sign ID and access tokens. Exactly one is `active`; `published` keys stay in the JWKS for rotation.")
        connections = r.list("connections", "Where users come from (database connection with passwords).")
        clients = r.list("clients", "Applications that may request tokens.")
        resourceServers = r.list("resource_servers", "APIs: audiences with their scopes and token settings.")
        clientGrants = r.list("client_grants", "Which machine-to-machine clients may get tokens for which API scopes.")
        roles = r.list("roles", "Named sets of API permissions, assigned to users at runtime.")
        hooks = r.list("hooks", "Blocking HTTP calls at points of the login and token flows.")
        webhooks = r.list("webhooks", "Asynchronous event delivery (outbox with retries).")
        forms = r.list("forms", "Forms a post_login hook can show before the login completes (docs/hooks.md).")
        forwardAuth = r.optional("forward_auth", "Settings of the forward-auth resolver used with nginx auth_request.")
            ?? ForwardAuthSettings()
        accessRules = r.list("access_rules", "Forward-auth rules, first match wins.")
        samlServiceProviders = r.list("saml_service_providers", "SAML 2.0 service providers this tenant signs in.")
        source = r.source
        if displayName.isEmpty { displayName = id.value }
        guard !r.isDescribing, let issuer else { return }
        let management = ManagementAPIConfig.identifier(issuer: issuer)
        if let declared = resourceServers.firstIndex(where: { $0.identifier.value == management }) {
            r.report("resource_servers", "resource_servers[\(declared)]: \(management) is the built-in management API; it cannot be declared (grant its scopes with client_grants)")
        } else {
            resourceServers.append(ManagementAPIConfig.resourceServer(issuer: issuer, at: r.source["resource_servers"]))
        }
    }
}

public struct Branding: ConfigObject, Hashable {
    public static let definitionName = "Branding"
    public static let summary = "Branding of hosted pages."

    public var logoURL: AbsoluteURL?
    public var primaryColor: HexColor?
    public var pageBackground: HexColor?
    public var templateDirectory: String?
    public var source: SourceMap?

    public init() {}

    public init(reading r: ObjectReader) {
        logoURL = r.optional("logo_url", "Logo shown above the forms (https).")
        primaryColor = r.optional("primary_color", "Colour of buttons and links, e.g. \"#1f4fd1\".")
        pageBackground = r.optional("page_background", "Page background colour.")
        templateDirectory = r.optional("template_directory",
                                       "Directory whose templates override the shipped ones for this tenant (same file names).")
        source = r.source
    }
}

public struct SessionSettings: ConfigObject, Hashable {
    public static let definitionName = "SessionSettings"
    public static let summary = "The login session shared by all clients of a tenant (single sign-on)."

    public var cookieName: String = "portcullis_session"
    public var cookieDomain: String?
    public var idleTimeout: Duration = .seconds(3 * 86_400)
    public var absoluteTimeout: Duration = .seconds(14 * 86_400)
    public var source: SourceMap?

    public init() {}

    public init(reading r: ObjectReader) {
        cookieName = r.value("cookie_name", default: "portcullis_session", "Name of the session cookie.")
        cookieDomain = r.optional("cookie_domain",
                                  "Domain attribute of the cookie, to share the session with sibling subdomains for forward auth (e.g. acme.test). Host-only when absent.")
        idleTimeout = r.value("idle_timeout", default: .seconds(3 * 86_400), "A session unused this long ends.")
        absoluteTimeout = r.value("absolute_timeout", default: .seconds(14 * 86_400),
                                  "A session ends this long after login, however active.")
        source = r.source
        guard !r.isDescribing else { return }
        if !cookieName.isEmpty, !cookieName.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-".unicodeScalars.contains($0)) }) {
            r.report("cookie_name", "must contain only letters, digits, '_' and '-'")
        }
        if cookieName.isEmpty { r.report("cookie_name", "must not be empty") }
        if idleTimeout > absoluteTimeout {
            r.report("idle_timeout", "must not be longer than absolute_timeout (\(absoluteTimeout.configText))")
        }
        if idleTimeout < .seconds(60) { r.report("idle_timeout", "must be at least 1m") }
    }
}
