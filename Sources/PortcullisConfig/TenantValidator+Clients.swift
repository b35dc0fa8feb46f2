import PortcullisCore

extension TenantValidator {
    /// Scopes a client may list in `allowed_scopes`: those defined by OpenID Connect Core §5.4 and
    /// §11. API scopes are governed by resource servers and client grants, not here.
    static let openIDScopes = ["openid", "profile", "email", "address", "phone", "offline_access"]

    mutating func checkClient(_ client: ClientConfig) {
        let type = client.type
        let method = client.tokenEndpointAuthMethod
        let source = client.source
        // A type or method that failed to read has a placeholder value; rules built on it would only
        // repeat the original problem in other words.
        guard source.invalidFields.isDisjoint(with: ["type", "token_endpoint_auth_method", "grant_types"]) else { return }

        // Authentication at the token endpoint must suit the kind of client (RFC 6749 §2.1).
        if type.isPublic {
            if method != .none {
                report(source["token_endpoint_auth_method"], "\(type.rawValue) clients are public and must use none")
            }
            if client.clientSecret != nil {
                report(source["client_secret"], "\(type.rawValue) clients are public and cannot keep a secret; remove client_secret")
            }
            if !client.pkce.required {
                report(source["pkce"], "public clients must require PKCE")
            }
        } else if method == .none {
            report(source["token_endpoint_auth_method"], "\(type.rawValue) clients are confidential; use client_secret_basic, client_secret_post or private_key_jwt")
        }
        switch method {
        case .clientSecretBasic, .clientSecretPost:
            if client.clientSecret == nil { report(source["client_secret"], "is required with \(method.rawValue)") }
        case .privateKeyJWT:
            checkJWKS(client)
        case .none:
            break
        }

        // Grant types by kind of client.
        if client.grantTypes.isEmpty { report(source["grant_types"], "must list at least one grant type") }
        if type.isPublic, client.grantTypes.contains(.clientCredentials) {
            report(source["grant_types"], "client_credentials needs a confidential client, not \(type.rawValue)")
        }
        if type == .machineToMachine, client.grantTypes.contains(where: { $0 != .clientCredentials }) {
            report(source["grant_types"], "machine_to_machine clients use only client_credentials")
        }
        if client.grantTypes.contains(.refreshToken), !client.grantTypes.contains(.authorizationCode) {
            report(source["grant_types"], "refresh_token needs authorization_code (refresh tokens come from code exchanges)")
        }
        let redirecting = client.grantTypes.contains(.authorizationCode)
        if redirecting, client.redirectURIs.isEmpty, !source.invalidFields.contains("redirect_uris") {
            report(source["redirect_uris"], "at least one redirect URI is required for authorization_code")
        }
        if !redirecting, !client.redirectURIs.isEmpty {
            report(source["redirect_uris"], "redirect URIs are only used with authorization_code")
        }

        for uri in client.redirectURIs + client.postLogoutRedirectURIs { checkRedirectURI(uri, client: client) }
        if let login = client.initiateLoginURI {
            // A page of the client's own, opened in the browser: a web URL without a fragment.
            checkWebURL(login)
            if login.value.hasFragment { report(login.location, "must not contain a fragment (#)") }
            if !client.grantTypes.contains(.authorizationCode) {
                report(login.location, "needs the authorization_code grant: a client without it logs nobody in")
            }
        }
        checkUnique(client.redirectURIs.map { ($0.value.text, $0.location) }, what: "redirect URI")
        for origin in client.allowedWebOrigins { checkOrigin(origin) }

        for (index, scope) in client.allowedScopes.enumerated() where !Self.openIDScopes.contains(scope) {
            var message = "\"\(scope)\" is not an OpenID Connect scope (\(Self.openIDScopes.joined(separator: ", ")))"
            if let near = Suggestion.closest(to: scope, among: Self.openIDScopes) { message += "; did you mean \"\(near)\"?" }
            var location = source["allowed_scopes"]
            location.path += "[\(index)]"
            report(location, message)
        }

        let connectionNames = tenant.connections.map(\.name)
        for connection in client.connections where !connectionNames.contains(connection.value) {
            report(connection.location, notFound("connection named", connection.value.value,
                                                 among: connectionNames.map(\.value)))
        }
        if redirecting, client.connections.isEmpty, type != .machineToMachine {
            report(source["connections"], "users cannot log in: enable at least one connection")
        }
        if let algorithm = client.idTokenSigningAlgorithm, !canSign(algorithm) {
            report(source["id_token_signing_algorithm"], "the tenant has no active \(algorithm.rawValue) signing key")
        }
    }

    /// Redirect URIs are compared exactly, so they must be complete and unambiguous
    /// (RFC 6749 §3.1.2: absolute, no fragment).
    mutating func checkRedirectURI(_ uri: Located<AbsoluteURL>, client: ClientConfig) {
        let url = uri.value
        if url.hasFragment { report(uri.location, "must not contain a fragment (#)") }
        if url.isHTTP {
            checkTransport(url, at: uri.location)
        } else if client.type != .native {
            report(uri.location, "must be an http:// or https:// URL (private-use schemes are for native clients)")
        } else if !url.scheme.contains(".") {
            // RFC 8252 §7.1: private-use schemes should be reverse domain names to avoid collisions.
            report(uri.location, "private-use scheme \"\(url.scheme)\" must be a reverse domain name such as com.example.app")
        }
    }

    mutating func checkOrigin(_ origin: Located<AbsoluteURL>) {
        let url = origin.value
        guard url.isHTTP else {
            report(origin.location, "must be an http:// or https:// origin")
            return
        }
        if !(url.path.isEmpty || url.path == "/") || url.hasQuery || url.hasFragment || url.hasUserInfo {
            report(origin.location, "must be an origin (scheme://host[:port]) without path, query or fragment")
        }
        checkTransport(url, at: origin.location)
    }

    mutating func checkJWKS(_ client: ClientConfig) {
        let location = client.source["jwks"]
        guard let jwks = client.jwks else {
            report(location, "is required with private_key_jwt")
            return
        }
        guard case .array(let keys)? = jwks["keys"], !keys.isEmpty else {
            report(location, "must be a JWK Set with a non-empty keys list")
            return
        }
        for (index, key) in keys.enumerated() {
            guard let kty = key["kty"]?.stringValue, ["RSA", "EC", "OKP"].contains(kty) else {
                var keyLocation = location
                keyLocation.path += ".keys[\(index)]"
                report(keyLocation, "kty must be RSA, EC or OKP")
                continue
            }
            if key["d"] != nil {
                var keyLocation = location
                keyLocation.path += ".keys[\(index)]"
                report(keyLocation, "contains a private key (d); publish only public keys")
            }
        }
    }
}
