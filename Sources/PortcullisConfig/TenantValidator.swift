import PortcullisCore

/// Checks made after a tenant file has been read: rules that relate several keys, references
/// between sections (client → connection, grant → API scope, role → permission, rule → role) and
/// duplicates. Secrets and keys are resolved by `TenantBuilder`.
struct TenantValidator {
    let tenant: TenantConfig
    var issues: [ConfigIssue] = []

    init(_ tenant: TenantConfig) {
        self.tenant = tenant
    }

    mutating func validate() -> [ConfigIssue] {
        checkIssuer()
        checkUnique(tenant.signingKeys.map { ($0.kid.value, $0.source["kid"]) }, what: "key id")
        checkUnique(tenant.connections.map { ($0.name.value, $0.source["name"]) }, what: "connection name")
        checkUnique(tenant.clients.map { ($0.clientID.value, $0.source["client_id"]) }, what: "client_id")
        checkUnique(tenant.resourceServers.map { ($0.identifier.value, $0.identifier.location) }, what: "resource server identifier")
        checkUnique(tenant.roles.map { ($0.name.value, $0.source["name"]) }, what: "role name")
        checkUnique(tenant.hooks.map { ($0.name.value, $0.source["name"]) }, what: "hook name")
        checkUnique(tenant.webhooks.map { ($0.name.value, $0.source["name"]) }, what: "webhook name")
        checkUnique(tenant.forms.map { ($0.name.value, $0.source["name"]) }, what: "form name")
        checkUnique(tenant.accessRules.map { ($0.name.value, $0.source["name"]) }, what: "access rule name")
        checkUnique(tenant.samlServiceProviders.map { ($0.entityID.value, $0.entityID.location) }, what: "SAML entity_id")
        checkUnique(tenant.samlServiceProviders.map { ($0.id.value, $0.source["id"]) }, what: "SAML service provider id")
        checkSigningKeys()
        for client in tenant.clients { checkClient(client) }
        checkResourceServers()
        checkClientGrants()
        checkRoles()
        checkOutboundURLs()
        checkAccessRules()
        checkSAML()
        return issues
    }

    // MARK: Helpers

    mutating func report(_ location: SourceLocation, _ message: String) {
        issues.append(ConfigIssue(at: location, message))
    }

    /// "no connection named "x"; did you mean "y"?" — one wording for every dangling reference.
    func notFound(_ what: String, _ value: String, among candidates: [String]) -> String {
        var message = "no \(what) \"\(value)\""
        if let near = Suggestion.closest(to: value, among: candidates) { message += "; did you mean \"\(near)\"?" }
        return message
    }

    mutating func checkUnique(_ values: [(String, SourceLocation)], what: String) {
        var first: [String: SourceLocation] = [:]
        for (value, location) in values where !value.isEmpty {
            if let earlier = first[value] {
                report(location, "duplicate \(what) \"\(value)\" (first defined at line \(earlier.line))")
            } else {
                first[value] = location
            }
        }
    }

    /// Plain http is accepted on loopback (development) or when the tenant explicitly allows it.
    mutating func checkTransport(_ url: AbsoluteURL, at location: SourceLocation) {
        guard url.scheme == "http", !url.isLoopback, !tenant.allowInsecureHTTP else { return }
        report(location, "http:// is only allowed for loopback hosts; use https:// or set allow_insecure_http: true")
    }

    mutating func checkWebURL(_ url: Located<AbsoluteURL>) {
        if !url.value.isHTTP {
            report(url.location, "must be an http:// or https:// URL")
            return
        }
        checkTransport(url.value, at: url.location)
    }

    // MARK: Sections

    mutating func checkIssuer() {
        guard let issuer = tenant.issuer else { return }
        let location = tenant.source["issuer"]
        guard issuer.isHTTP else {
            report(location, "must be an https:// URL (http:// on loopback)")
            return
        }
        if issuer.hasQuery || issuer.hasFragment || issuer.hasUserInfo {
            report(location, "must not contain a query, fragment or user info (OpenID Connect Discovery §3)")
        }
        if issuer.path.hasSuffix("/") && issuer.path != "/" || issuer.text.hasSuffix("/") {
            report(location, "must not end with a slash; tokens carry the issuer exactly as written")
        }
        let reserved = ["/healthz", "/readyz", "/metrics"]
        if let clash = reserved.first(where: { issuer.path == $0 || issuer.path.hasPrefix($0 + "/") }) {
            report(location, "path \(clash) is reserved for the server's own endpoints")
        }
        checkTransport(issuer, at: location)
    }

    /// One active key per algorithm: tokens for an API or client that names an algorithm are
    /// signed with that algorithm's active key; everything else with the first active key.
    /// Published keys only verify (rotation in and out).
    mutating func checkSigningKeys() {
        let active = tenant.signingKeys.filter { $0.status == .active }
        if !tenant.signingKeys.isEmpty, active.isEmpty {
            report(tenant.source["signing_keys"], "one signing key must have status active, found none")
        }
        for algorithm in SigningKeyConfig.Algorithm.allCases {
            let same = active.filter { $0.algorithm == algorithm }
            if same.count > 1 {
                report(tenant.source["signing_keys"],
                       "at most one \(algorithm.rawValue) key may be active, found \(same.map(\.kid.value).joined(separator: ", ")); publish the others")
            }
        }
    }

    /// Whether tokens can be signed with `algorithm`: an active key of it, or generated keys.
    func canSign(_ algorithm: SigningKeyConfig.Algorithm) -> Bool {
        tenant.signingKeys.isEmpty ? algorithm != .eddsa
            : tenant.signingKeys.contains { $0.algorithm == algorithm && $0.status == .active }
    }

    mutating func checkResourceServers() {
        for server in tenant.resourceServers {
            checkUnique(server.scopes.map { ($0.value, server.source["scopes"]) }, what: "scope")
            if let algorithm = server.signingAlgorithm, !canSign(algorithm) {
                report(server.source["signing_algorithm"], "the tenant has no active \(algorithm.rawValue) signing key")
            }
        }
    }

    func resourceServer(_ identifier: String) -> ResourceServerConfig? {
        tenant.resourceServers.first { $0.identifier.value == identifier }
    }

    /// Reports scopes that the named resource server does not define.
    mutating func checkScopes(_ scopes: [Located<String>], of server: ResourceServerConfig) {
        let defined = server.scopes.map(\.value)
        for scope in scopes where !defined.contains(scope.value) {
            var message = "scope \"\(scope.value)\" is not defined by resource server \(server.identifier.value)"
            if let near = Suggestion.closest(to: scope.value, among: defined) { message += "; did you mean \"\(near)\"?" }
            report(scope.location, message)
        }
    }

    mutating func checkResourceServerReference(_ reference: Located<String>) -> ResourceServerConfig? {
        if let server = resourceServer(reference.value) { return server }
        report(reference.location, notFound("resource server with identifier", reference.value,
                                            among: tenant.resourceServers.map(\.identifier.value)))
        return nil
    }

    mutating func checkClientGrants() {
        var seen: [String: SourceLocation] = [:]
        for grant in tenant.clientGrants {
            if let clientID = grant.clientID {
                if let client = tenant.clients.first(where: { $0.clientID == clientID.value }) {
                    if !client.grantTypes.contains(.clientCredentials) {
                        report(clientID.location, "client \(clientID.value) does not have the client_credentials grant type")
                    }
                } else {
                    report(clientID.location, notFound("client with client_id", clientID.value.value,
                                                       among: tenant.clients.map(\.clientID.value)))
                }
            }
            if let audience = grant.audience, let server = checkResourceServerReference(audience) {
                checkScopes(grant.scopes, of: server)
            }
            if let clientID = grant.clientID, let audience = grant.audience {
                let key = clientID.value.value + " " + audience.value
                if let first = seen[key] {
                    report(grant.source.object, "duplicate grant of \(audience.value) to \(clientID.value) (first at line \(first.line))")
                }
                seen[key] = grant.source.object
            }
        }
    }

    mutating func checkRoles() {
        for role in tenant.roles {
            for permission in role.permissions {
                if let reference = permission.resourceServer, let server = checkResourceServerReference(reference) {
                    checkScopes(permission.scopes, of: server)
                }
            }
        }
    }

    mutating func checkOutboundURLs() {
        for hook in tenant.hooks { if let url = hook.url { checkWebURL(url) } }
        for webhook in tenant.webhooks { if let url = webhook.url { checkWebURL(url) } }
        if let logo = tenant.branding.logoURL, let source = tenant.branding.source {
            checkWebURL(Located(logo, at: source["logo_url"]))
        }
    }

    mutating func checkAccessRules() {
        let roleNames = tenant.roles.map(\.name)
        for rule in tenant.accessRules {
            for role in (rule.roles?.anyOf ?? []) + (rule.roles?.allOf ?? []) where !roleNames.contains(role.value) {
                report(role.location, notFound("role named", role.value.value, among: roleNames.map(\.value)))
            }
        }
    }

    mutating func checkSAML() {
        let rsaKeys = tenant.signingKeys.filter { $0.algorithm == .rs256 }.map(\.kid.value)
        for provider in tenant.samlServiceProviders {
            for service in provider.assertionConsumerServices { if let url = service.url { checkWebURL(url) } }
            if let url = provider.singleLogout?.url { checkWebURL(url) }
            if let url = provider.signing?.httpSigner?.url { checkWebURL(url) }
            if let key = provider.signing?.key, !rsaKeys.contains(key.value) {
                let message = tenant.signingKeys.contains { $0.kid == key }
                    ? "signing key \"\(key.value)\" is not RS256: SAML signatures here are RSA"
                    : notFound("RS256 signing key", key.value, among: rsaKeys)
                report(provider.signing?.source["key"] ?? provider.source["signing"], message)
            }
        }
    }
}
