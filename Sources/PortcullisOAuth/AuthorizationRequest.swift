import Foundation
import PortcullisConfig
import PortcullisCore

/// A checked authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1).
public struct AuthorizationRequest: Sendable {
    public enum ResponseMode: String, Sendable { case query, formPost = "form_post" }

    public var client: Client
    /// The registered redirect URI the answer goes to; `requestedRedirectURI` is what the request
    /// said (empty when it named none and the client has exactly one).
    public var redirectURI: String
    public var requestedRedirectURI: String
    public var responseMode: ResponseMode
    public var state: String?
    public var scopes: [String]
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    public var prompt: Set<String>
    public var maxAge: Int?
    public var loginHint: String?
    public var uiLocales: String?
    public var idTokenHint: String?
    public var acrValues: String?
    public var audience: ResourceServerConfig?
    public var organization: String?
    /// Set by the caller, never parsed from the request: when a `prompt=login`/`max_age` login
    /// comes back, the time (seconds since 1970) the login page was asked for, vouched for by the
    /// store's record of the marker. A session authenticated at or after it satisfies the request;
    /// taking it from the URL would let a client skip the login it must repeat.
    public var authenticatedAfter: Int?

    /// A failure that must not go back to the redirect URI: the client or redirect URI is unknown,
    /// so sending the user there could hand a code or an error to an attacker (RFC 6749 §4.1.2.1).
    public struct UntrustedRedirect: Error, Sendable, Equatable {
        public var message: String
    }

    /// A failure reported to the client at its redirect URI.
    public struct RedirectableError: Error, Sendable {
        public var error: OAuthError
        public var redirectURI: String
        public var state: String?
        public var responseMode: ResponseMode
    }

    public enum Failure: Error, Sendable {
        case untrusted(UntrustedRedirect)
        case redirect(RedirectableError)
    }

    public static func parse(_ parameters: OAuthParameters, tenant: Tenant) -> Result<AuthorizationRequest, Failure> {
        // Client and redirect URI first: until both are trusted, nothing may be redirected.
        guard parameters.repeated.isDisjoint(with: ["client_id", "redirect_uri"]) else {
            return .failure(.untrusted(.init(message: "client_id and redirect_uri must not be repeated")))
        }
        guard let clientID = parameters["client_id"] else {
            return .failure(.untrusted(.init(message: "The request has no client_id.")))
        }
        guard let client = tenant.clients[clientID] else {
            return .failure(.untrusted(.init(message: "Unknown client \(clientID).")))
        }
        let registered = client.config.redirectURIs.map(\.value.text)
        let requested = parameters["redirect_uri"] ?? ""
        let redirectURI: String
        if requested.isEmpty {
            guard registered.count == 1 else {
                return .failure(.untrusted(.init(message: "The request has no redirect_uri.")))
            }
            redirectURI = registered[0]
        } else {
            // Exact string comparison (RFC 9700 §4.1.3): no prefix, wildcard or normalization.
            guard registered.contains(requested) else {
                return .failure(.untrusted(.init(message: "The redirect_uri is not registered for client \(clientID).")))
            }
            redirectURI = requested
        }

        let modeText = parameters["response_mode"] ?? "query"
        let mode = ResponseMode(rawValue: modeText) ?? .query
        let state = parameters["state"]
        func fail(_ error: OAuthError) -> Result<AuthorizationRequest, Failure> {
            .failure(.redirect(.init(error: error, redirectURI: redirectURI, state: state, responseMode: mode)))
        }
        if let duplicate = parameters.repeated.first {
            return fail(.invalidRequest("the \(duplicate) parameter must not be repeated"))
        }
        if parameters["request"] != nil {
            return fail(OAuthError(.requestNotSupported, "request objects are not supported"))
        }
        if parameters["request_uri"] != nil {
            return fail(OAuthError(.requestURINotSupported, "request_uri is not supported"))
        }
        if ResponseMode(rawValue: modeText) == nil {
            return fail(.invalidRequest("response_mode must be query or form_post"))
        }
        guard let responseType = parameters["response_type"] else {
            return fail(.invalidRequest("response_type is required"))
        }
        guard responseType == "code" else {
            return fail(OAuthError(.unsupportedResponseType, "only response_type=code is supported"))
        }
        guard client.config.grantTypes.contains(.authorizationCode) else {
            return fail(.unauthorizedClient("the client may not use the authorization code flow"))
        }

        let prompt = Set(parameters.list("prompt"))
        let knownPrompts: Set = ["none", "login", "consent", "select_account"]
        guard prompt.isSubset(of: knownPrompts) else { return fail(.invalidRequest("unknown prompt value")) }
        if prompt.contains("none"), prompt.count > 1 {
            return fail(.invalidRequest("prompt=none cannot be combined with other values"))
        }
        var maxAge: Int?
        if let text = parameters["max_age"] {
            guard let value = Int(text), value >= 0 else { return fail(.invalidRequest("max_age must be a non-negative integer")) }
            maxAge = value
        }

        var challenge = parameters["code_challenge"]
        var method = parameters["code_challenge_method"]
        if let given = challenge {
            let chosen = method ?? "plain"
            guard chosen == "S256" || (chosen == "plain" && client.config.pkce.allowPlain) else {
                return fail(.invalidRequest("code_challenge_method must be S256"))
            }
            guard PKCE.isWellFormed(given) else {
                return fail(.invalidRequest("code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]"))
            }
            challenge = given
            method = chosen
        } else if method != nil {
            return fail(.invalidRequest("code_challenge_method without code_challenge"))
        } else if client.config.pkce.required || client.config.type.isPublic {
            return fail(.invalidRequest("code_challenge is required (PKCE with S256)"))
        }

        var audience: ResourceServerConfig?
        if let name = parameters["audience"] ?? parameters["resource"] {
            guard let match = tenant.resourceServer(name) else {
                return fail(OAuthError(.accessDenied, "unknown audience \(name)"))
            }
            audience = match
        }
        let requestedScopes = parameters.list("scope")
        if requestedScopes.isEmpty, audience == nil {
            return fail(.invalidScope("scope is required (for OpenID Connect include openid)"))
        }

        return .success(AuthorizationRequest(
            client: client, redirectURI: redirectURI, requestedRedirectURI: requested, responseMode: mode, state: state,
            scopes: requestedScopes, nonce: parameters["nonce"], codeChallenge: challenge, codeChallengeMethod: method,
            prompt: prompt, maxAge: maxAge, loginHint: parameters["login_hint"], uiLocales: parameters["ui_locales"],
            idTokenHint: parameters["id_token_hint"], acrValues: parameters["acr_values"], audience: audience,
            organization: parameters["organization"]))
    }
}
