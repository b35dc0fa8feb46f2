/// An application that requests tokens (OAuth 2.0 client).
public struct ClientConfig: ConfigObject, Hashable {
    public static let definitionName = "Client"
    public static let summary = "An application (OAuth 2.0 client)."

    public enum Kind: String, ConfigEnum, Sendable {
        case spa, regularWeb = "regular_web", native, machineToMachine = "machine_to_machine"

        /// Public clients cannot keep a secret (RFC 6749 §2.1).
        public var isPublic: Bool { self == .spa || self == .native }
    }

    public enum AuthMethod: String, ConfigEnum, Sendable {
        case clientSecretBasic = "client_secret_basic", clientSecretPost = "client_secret_post",
             privateKeyJWT = "private_key_jwt", none
    }

    public enum GrantType: String, ConfigEnum, Sendable {
        case authorizationCode = "authorization_code", refreshToken = "refresh_token",
             clientCredentials = "client_credentials"
    }

    public var clientID: Identifier
    public var name: String
    public var type: Kind
    public var clientSecret: Located<String>?
    public var tokenEndpointAuthMethod: AuthMethod
    public var redirectURIs: [Located<AbsoluteURL>]
    public var postLogoutRedirectURIs: [Located<AbsoluteURL>]
    /// Where the client starts a login itself (OIDC Third-Party Initiated Login, Auth0's
    /// `initiate_login_uri`); accepted organization invitations send the invitee there.
    public var initiateLoginURI: Located<AbsoluteURL>?
    public var allowedWebOrigins: [Located<AbsoluteURL>]
    public var grantTypes: [ClientConfig.GrantType]
    public var allowedScopes: [String]
    public var connections: [Located<Identifier>]
    public var firstParty: Bool
    public var pkce: PKCESettings
    public var refreshToken: RefreshTokenSettings
    public var idTokenSigningAlgorithm: SigningKeyConfig.Algorithm?
    public var jwks: JSONValue?
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        clientID = r.required("client_id", "Client identifier, unique within the tenant.") ?? ""
        name = r.optional("name", "Name shown on consent and error pages.") ?? ""
        type = r.required("type", "spa, regular_web, native or machine_to_machine.") ?? .regularWeb
        clientSecret = r.optional("client_secret",
                                  "Key of the secrets-file entry holding the client secret (confidential clients). Stored in memory only as a digest.")
        tokenEndpointAuthMethod = r.optional("token_endpoint_auth_method",
                                             "How the client authenticates at the token endpoint. Default: none for spa/native, client_secret_basic otherwise.")
            ?? (type.isPublic ? .none : .clientSecretBasic)
        redirectURIs = r.list("redirect_uris", "Allowed redirect URIs, matched exactly.")
        postLogoutRedirectURIs = r.list("post_logout_redirect_uris", "Allowed post_logout_redirect_uri values, matched exactly.")
        initiateLoginURI = r.optional("initiate_login_uri",
                                      "URL where the client starts a login itself (OpenID Connect third-party initiated login); accepted organization invitations send the browser there with invitation, organization and organization_name: https, or http on loopback.")
        allowedWebOrigins = r.list("allowed_web_origins", "Origins allowed to call the token, userinfo and revoke endpoints from a browser (CORS).")
        grantTypes = r.optional("grant_types", "Grant types the client may use.")
            ?? (type == .machineToMachine ? [.clientCredentials] : [.authorizationCode, .refreshToken])
        allowedScopes = r.optional("allowed_scopes", "OpenID scopes the client may request.")
            ?? ["openid", "profile", "email"]
        connections = r.list("connections", "Connections whose users may log in to this client.")
        firstParty = r.value("first_party", default: true, "First-party clients skip the consent page.")
        pkce = r.optional("pkce", "PKCE requirements (RFC 7636).") ?? PKCESettings(type: type)
        refreshToken = r.optional("refresh_token", "Refresh token rotation and lifetimes.") ?? RefreshTokenSettings()
        idTokenSigningAlgorithm = r.optional("id_token_signing_algorithm",
                                             "Algorithm of ID tokens for this client; default the tenant's active key.")
        jwks = r.optional("jwks", "Public keys (a JWK Set) for private_key_jwt client authentication.")
        source = r.source
        if name.isEmpty { name = clientID.value }
    }
}

extension ClientConfig.AuthMethod: ConfigDefault {
    public var defaultJSON: JSONValue { .string(rawValue) }
}

public struct PKCESettings: ConfigObject, Hashable {
    public static let definitionName = "PKCE"
    public static let summary = "Proof Key for Code Exchange (RFC 7636)."

    public var required: Bool
    public var allowPlain: Bool

    init(type: ClientConfig.Kind) {
        required = type.isPublic
        allowPlain = false
    }

    public init(reading r: ObjectReader) {
        required = r.value("required", default: true, "Require a code_challenge on every authorization request (always true for public clients).")
        allowPlain = r.value("allow_plain", default: false, "Accept code_challenge_method=plain (S256 is always accepted).")
    }
}

public struct RefreshTokenSettings: ConfigObject, Hashable {
    public static let definitionName = "RefreshToken"
    public static let summary = "Refresh token behaviour."

    public enum Rotation: String, ConfigEnum, ConfigDefault, Sendable {
        case rotating, nonRotating = "non_rotating"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var rotation: Rotation = .rotating
    public var reuseInterval: Duration = .zero
    public var idleLifetime: Duration = .seconds(15 * 86_400)
    public var absoluteLifetime: Duration = .seconds(30 * 86_400)

    public init() {}

    public init(reading r: ObjectReader) {
        rotation = r.value("rotation", default: .rotating,
                           "rotating issues a new refresh token on every use and revokes the family on reuse.")
        reuseInterval = r.value("reuse_interval", default: .zero,
                                "Grace period in which a rotated token may be presented again (network retries).")
        idleLifetime = r.value("idle_lifetime", default: .seconds(15 * 86_400), "A refresh token unused this long expires.")
        absoluteLifetime = r.value("absolute_lifetime", default: .seconds(30 * 86_400),
                                   "A refresh token family expires this long after the login, however used.")
        if !r.isDescribing, idleLifetime > absoluteLifetime {
            r.report("idle_lifetime", "must not be longer than absolute_lifetime (\(absoluteLifetime.configText))")
        }
    }
}
