import Foundation
import HTTPTypes
import PortcullisConfig

/// What the resolver needs of one tenant, prepared once per configuration snapshot from the pinned
/// ``Tenant``: compiled access rules, header names, the login page's address, the Bearer verifier.
/// A reload brings a new snapshot and so a fresh set (see ``ForwardAuthTenants``).
///
/// Protocol modules take the snapshot's `Tenant` and derive what they need from it, as OAuth does;
/// this is ForwardAuth's derived form, kept here rather than in the HTTP layer.
public final class ForwardAuthTenant: Sendable {
    public let tenantID: String
    public let policy: TenantAccessPolicy
    public let idleTimeout: TimeInterval
    /// Verifies Bearer access tokens issued by this tenant; `nil`: Bearer tokens give no identity.
    public let bearer: BearerTokenVerifier?
    public let cookieName: String
    /// `{issuer}/u/login`.
    public let loginPage: String
    /// Signs the identity token of allowed answers; `nil` unless `forward_auth.identity_token` is
    /// enabled. Built per snapshot, so a reload with another key, issuer or lifetime starts afresh.
    public let identityToken: IdentityTokenIssuer?
    /// Indexed by `IdentityHeader.rawValue`; HTTP field names are HTTPTypes' vocabulary, not a server's.
    private let fieldNames: [HTTPField.Name]

    public init(_ tenant: Tenant, bearer: BearerTokenVerifier?) {
        let config = tenant.config
        tenantID = tenant.id
        policy = TenantAccessPolicy(config)
        idleTimeout = TimeInterval(config.session.idleTimeout.wholeSeconds)
        self.bearer = bearer
        cookieName = config.session.cookieName
        // The prefix was validated as header-name characters, so these names always exist.
        let prefix = policy.headerPrefix
        fieldNames = IdentityHeader.allCases.map { HTTPField.Name(prefix + $0.suffix)! }
        loginPage = tenant.issuer.text + "/u/login"
        let tokenSettings = config.forwardAuth.identityToken
        identityToken = tokenSettings.enabled ? tenant.activeKeys.first.map {
            IdentityTokenIssuer(issuer: tenant.issuer.text, key: $0, lifetime: Int(tokenSettings.lifetime.wholeSeconds))
        } : nil
    }

    public func name(_ header: IdentityHeader) -> HTTPField.Name { fieldNames[header.rawValue] }
}
