import PortcullisConfig
import Synchronization

/// The prepared tenants of the current snapshot. One lock and one dictionary lookup per resolve;
/// the whole set is dropped when the snapshot changes.
public final class ForwardAuthTenants: Sendable {
    private struct State {
        var snapshot: ConfigSnapshot?
        var tenants: [String: ForwardAuthTenant] = [:]
    }

    private let state = Mutex(State())
    private let storage: any ForwardAuthStorage
    private let cache: SessionCache

    /// - Parameters:
    ///   - storage: where Bearer tokens' grants and users are checked.
    ///   - cache: the resolver's cache of sessions and verified tokens.
    public init(storage: any ForwardAuthStorage, cache: SessionCache) {
        self.storage = storage
        self.cache = cache
    }

    public func tenant(_ tenant: Tenant, in snapshot: ConfigSnapshot) -> ForwardAuthTenant {
        if let ready = state.withLock({ $0.snapshot === snapshot ? $0.tenants[tenant.id] : nil }) { return ready }
        // Built outside the lock: compiling regular expressions must not stall other resolves.
        // The tenant's own access-token verifier: the same keys and issuer as userinfo and introspection.
        let prepared = ForwardAuthTenant(tenant, bearer: BearerTokenVerifier(
            accessTokens: tenant.accessTokenVerifier, tenantID: tenant.id, storage: storage, cache: cache))
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
