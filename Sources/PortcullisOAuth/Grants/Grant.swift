import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisStore
import PortcullisCore

/// One grant type of the token endpoint (RFC 6749 §4), in its own file, as fosite does. Adding a
/// grant is one new type and one line in ``GrantRegistry``.
public protocol Grant: Sendable {
    static var grantType: ClientConfig.GrantType { get }
    func handle(_ request: TokenRequest, in context: GrantContext) async throws(OAuthError) -> TokenResponse
}

/// A token request after client authentication.
public struct TokenRequest: Sendable {
    public var client: Client
    public var parameters: OAuthParameters

    public init(client: Client, parameters: OAuthParameters) {
        self.client = client
        self.parameters = parameters
    }
}

/// What a grant may use: the pinned tenant, the store, the clock and the extension points.
public struct GrantContext: Sendable {
    public var tenant: Tenant
    public var storage: any OAuthStorage
    public var now: Date
    public var hooks: any TokenHooks
    /// Told of grants revoked by a replayed code or a reused refresh token.
    public var revocationObserver: any GrantRevocationObserver
    /// Records what a grant detects beyond its answer (a reused refresh token); nil records nothing.
    public var events: EventRecorder?
    /// The request, as events record it.
    public var request: EventRequestContext?

    public init(tenant: Tenant, storage: any OAuthStorage, now: Date, hooks: any TokenHooks = NoTokenHooks(),
                revocationObserver: any GrantRevocationObserver = NoGrantRevocationObserver(),
                events: EventRecorder? = nil, request: EventRequestContext? = nil) {
        self.tenant = tenant
        self.storage = storage
        self.now = now
        self.hooks = hooks
        self.revocationObserver = revocationObserver
        self.events = events
        self.request = request
    }

    public var grantRevocation: GrantRevocation { GrantRevocation(grants: storage, observer: revocationObserver) }

    public var minter: TokenMinter { TokenMinter(tenant: tenant) }
    public var scopePolicy: ScopePolicy { ScopePolicy(tenant: tenant.config) }

    public func resourceServer(_ identifier: String?) -> ResourceServerConfig? {
        tenant.resourceServer(identifier)
    }

    /// Runs a store call; store failures become `temporarily_unavailable` and never leak details.
    public func store<T>(_ operation: () async throws -> T) async throws(OAuthError) -> T {
        do { return try await operation() } catch { throw OAuthError.unavailable }
    }
}

/// The grants the token endpoint knows, by `grant_type` value.
public enum GrantRegistry {
    public static let grants: [String: any Grant] = [
        AuthorizationCodeGrant.grantType.rawValue: AuthorizationCodeGrant(),
        RefreshTokenGrant.grantType.rawValue: RefreshTokenGrant(),
        ClientCredentialsGrant.grantType.rawValue: ClientCredentialsGrant(),
    ]

    /// Handles a token request: checks the grant type is known and allowed for the client.
    public static func handle(_ request: TokenRequest, in context: GrantContext) async throws(OAuthError) -> TokenResponse {
        guard let type = try request.parameters.single("grant_type") else {
            throw .invalidRequest("grant_type is required")
        }
        guard let grant = grants[type] else {
            throw OAuthError(.unsupportedGrantType, "grant_type \(type) is not supported")
        }
        guard request.client.config.grantTypes.contains(where: { $0.rawValue == type }) else {
            throw .unauthorizedClient("the client may not use the \(type) grant")
        }
        return try await grant.handle(request, in: context)
    }
}
