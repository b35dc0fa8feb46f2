import Foundation
import HTTPTypes
import PortcullisConfig
import PortcullisForwardAuth
import Synchronization

/// What the resolver needs of one tenant, prepared once per configuration snapshot: compiled
/// access rules, header names, the login page's address. A reload brings a new snapshot and so a
/// fresh set, built on the first resolve that sees it.
final class ResolverTenant: Sendable {
    let context: ForwardAuthResolver.TenantContext
    let cookieName: String
    /// Indexed by `IdentityHeader.rawValue`.
    let fieldNames: [HTTPField.Name]
    /// `{issuer}/u/login`.
    let loginPage: String
    /// Signs the identity token of allowed answers; `nil` unless `forward_auth.identity_token` is
    /// enabled. Built per snapshot, so a reload with another key, issuer or lifetime starts afresh.
    let identityToken: IdentityTokenIssuer?

    init(_ tenant: Tenant, bearer: BearerTokenVerifier?) {
        let config = tenant.config
        let policy = TenantAccessPolicy(config)
        context = .init(tenantID: tenant.id, policy: policy,
                        idleTimeout: TimeInterval(config.session.idleTimeout.wholeSeconds), bearer: bearer)
        cookieName = config.session.cookieName
        // The prefix was validated as header-name characters, so these names always exist.
        fieldNames = IdentityHeader.allCases.map { HTTPField.Name(policy.headerPrefix + $0.suffix)! }
        loginPage = tenant.issuer.text + "/u/login"
        let tokenSettings = config.forwardAuth.identityToken
        identityToken = tokenSettings.enabled ? tenant.activeKeys.first.map {
            IdentityTokenIssuer(issuer: tenant.issuer.text, key: $0, lifetime: Int(tokenSettings.lifetime.wholeSeconds))
        } : nil
    }

    func name(_ header: IdentityHeader) -> HTTPField.Name { fieldNames[header.rawValue] }
}

/// The prepared tenants of the current snapshot. One lock and one dictionary lookup per resolve;
/// the whole set is dropped when the snapshot changes.
final class ResolverTenants: Sendable {
    private struct State {
        var snapshot: ConfigSnapshot?
        var tenants: [String: ResolverTenant] = [:]
    }

    private let state = Mutex(State())
    private let bearer: @Sendable (Tenant) -> BearerTokenVerifier?

    /// - Parameter bearer: the tenant's access-token verifier, built with its keys of this snapshot.
    init(bearer: @escaping @Sendable (Tenant) -> BearerTokenVerifier?) {
        self.bearer = bearer
    }

    func tenant(_ tenant: Tenant, in snapshot: ConfigSnapshot) -> ResolverTenant {
        if let ready = state.withLock({ $0.snapshot === snapshot ? $0.tenants[tenant.id] : nil }) { return ready }
        // Built outside the lock: compiling regular expressions must not stall other resolves.
        let prepared = ResolverTenant(tenant, bearer: bearer(tenant))
        state.withLock { state in
            if state.snapshot !== snapshot {
                // Only move forward: a request still holding an older snapshot must not evict the new set.
                guard state.snapshot.map({ $0.generation < snapshot.generation }) ?? true else { return }
                state.snapshot = snapshot
                state.tenants = [:]
            }
            state.tenants[tenant.id] = prepared
        }
        return prepared
    }
}
