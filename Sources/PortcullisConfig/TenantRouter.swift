import PortcullisCore

/// Finds the tenant for a request from its Host header and path: the issuer's authority must equal
/// the host, and the issuer's path must be a whole-segment prefix of the request path.
struct TenantRouter: Sendable {
    private let byHost: [String: [(prefix: String, tenant: Tenant)]]

    init(_ tenants: [Tenant]) {
        var byHost: [String: [(prefix: String, tenant: Tenant)]] = [:]
        for tenant in tenants {
            byHost[tenant.issuer.authority, default: []].append((TenantRouter.prefix(of: tenant.issuer), tenant))
        }
        // Longest prefix first, so /acme/eu wins over /acme when both exist on a host.
        self.byHost = byHost.mapValues { $0.sorted { $0.prefix.count > $1.prefix.count } }
    }

    static func prefix(of issuer: AbsoluteURL) -> String {
        issuer.path == "/" ? "" : issuer.path
    }

    /// Lower-cases the host and drops a default port, matching `AbsoluteURL.authority`.
    static func normalize(host: String) -> String {
        var host = host.lowercased()
        if host.hasSuffix(":80") { host.removeLast(3) } else if host.hasSuffix(":443") { host.removeLast(4) }
        return host
    }

    func route(host: String, path: Substring) -> (tenant: Tenant, path: Substring)? {
        guard let candidates = byHost[TenantRouter.normalize(host: host)] else { return nil }
        for candidate in candidates {
            if candidate.prefix.isEmpty { return (candidate.tenant, path) }
            guard path.hasPrefix(candidate.prefix) else { continue }
            let rest = path.dropFirst(candidate.prefix.count)
            if rest.isEmpty || rest.hasPrefix("/") { return (candidate.tenant, rest.isEmpty ? "/" : rest) }
        }
        return nil
    }
}
