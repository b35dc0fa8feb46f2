import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Where hooks plug into logins and token issuance; PortcullisHooks' runner implements it with
/// signed HTTP calls (docs/hooks.md), ``NoTokenHooks`` changes nothing.
///
/// - `postLogin` runs when a login completes at `/authorize`, before the code is issued (its claims
///   travel with the code), and again at each refresh (`grantType` `refresh_token`), as Auth0's
///   post-login Actions do: it may add namespaced claims to the ID and access tokens, or deny.
/// - `credentialsExchange` runs in the client_credentials grant: it may add claims or deny.
///
/// Both receive the request's pinned ``Tenant``, so a hook sees the same configuration snapshot as
/// the flow that calls it, even across a reload. A denial is an ``OAuthError`` (`access_denied`).
public protocol TokenHooks: Sendable {
    func postLogin(_ request: TokenHookRequest) async throws(OAuthError) -> HookClaims
    func credentialsExchange(_ request: TokenHookRequest) async throws(OAuthError) -> HookClaims
}

/// What a token hook is told.
public struct TokenHookRequest: Sendable {
    public var tenant: Tenant
    /// The user logging in; nil for client_credentials.
    public var user: User?
    public var clientID: String
    public var scopes: [String]
    public var audience: String?
    public var organizationID: String?
    /// `authorization_code` (a login at /authorize), `refresh_token` or `client_credentials`.
    public var grantType: String
    public var request: EventRequestContext?
    /// Whether a page can be shown (a login at /authorize): only then may a hook ask for a form.
    public var interactive = false
    /// Continuing a login that waited for a form.
    public var resume: HookFormResume?

    public init(tenant: Tenant, user: User?, clientID: String, scopes: [String], audience: String?,
                organizationID: String? = nil, grantType: String, request: EventRequestContext?) {
        self.tenant = tenant
        self.user = user
        self.clientID = clientID
        self.scopes = scopes
        self.audience = audience
        self.organizationID = organizationID
        self.grantType = grantType
        self.request = request
    }
}

/// A `post_login` hook asked for a form: the login waits for it. `state` (opaque to the flow) is
/// what the hooks decided so far; ``HookFormResume`` hands it back with the values.
public struct HookFormPause: Sendable, Equatable {
    public var hook: String
    public var form: String
    public var state: String

    public init(hook: String, form: String, state: String) {
        self.hook = hook
        self.form = form
        self.state = state
    }
}

/// The values of a submitted form, to continue the login that waited for it.
public struct HookFormResume: Sendable {
    public var hook: String
    public var form: String
    public var values: [String: JSONValue]
    public var state: String

    public init(hook: String, form: String, values: [String: JSONValue], state: String) {
        self.hook = hook
        self.form = form
        self.values = values
        self.state = state
    }
}

/// Extra claims a hook asks for, per token; or the form the login must wait for.
public struct HookClaims: Sendable, Equatable {
    public var idToken: [String: JSONValue] = [:]
    public var accessToken: [String: JSONValue] = [:]
    /// Set when the login must wait for a form (never kept with a code).
    public var form: HookFormPause?
    public init(idToken: [String: JSONValue] = [:], accessToken: [String: JSONValue] = [:], form: HookFormPause? = nil) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.form = form
    }

    public var isEmpty: Bool { idToken.isEmpty && accessToken.isEmpty }

    /// `{"id_token": {…}, "access_token": {…}}`, as the authorization code keeps them.
    public var json: String {
        String(decoding: JSONValue.object(["id_token": .object(idToken), "access_token": .object(accessToken)]).compactData,
               as: UTF8.self)
    }

    public init(json: String) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)), case .object(let object) = value else {
            return
        }
        if case .object(let claims) = object["id_token"] { idToken = claims }
        if case .object(let claims) = object["access_token"] { accessToken = claims }
    }
}

public struct NoTokenHooks: TokenHooks {
    public init() {}
    public func postLogin(_ request: TokenHookRequest) async throws(OAuthError) -> HookClaims { HookClaims() }
    public func credentialsExchange(_ request: TokenHookRequest) async throws(OAuthError) -> HookClaims { HookClaims() }
}
