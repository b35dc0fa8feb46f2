import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Where hooks plug into token issuance. The hooks issue implements these with real HTTP calls;
/// until then ``NoTokenHooks`` changes nothing.
///
/// - `postLogin` runs when a user's tokens are minted from an authorization code: it may add
///   namespaced claims to the ID and access tokens, or deny the login (`access_denied`).
/// - `credentialsExchange` runs in the client_credentials grant: it may add claims or deny.
///
/// Both receive the request's pinned ``Tenant`` (never a tenant name to look up again), so a hook
/// sees the same configuration snapshot as the grant that calls it, even across a reload.
public protocol TokenHooks: Sendable {
    func postLogin(tenant: Tenant, user: User, clientID: String, scopes: [String]) async throws(OAuthError) -> HookClaims
    func credentialsExchange(tenant: Tenant, clientID: String, audience: String, scopes: [String]) async throws(OAuthError) -> HookClaims
}

/// Extra claims a hook asks for, per token.
public struct HookClaims: Sendable, Equatable {
    public var idToken: [String: JSONValue] = [:]
    public var accessToken: [String: JSONValue] = [:]
    public init(idToken: [String: JSONValue] = [:], accessToken: [String: JSONValue] = [:]) {
        self.idToken = idToken
        self.accessToken = accessToken
    }
}

public struct NoTokenHooks: TokenHooks {
    public init() {}
    public func postLogin(tenant: Tenant, user: User, clientID: String, scopes: [String]) async throws(OAuthError) -> HookClaims { HookClaims() }
    public func credentialsExchange(tenant: Tenant, clientID: String, audience: String, scopes: [String]) async throws(OAuthError) -> HookClaims { HookClaims() }
}
