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
        // Every request passes here; hosts are nearly always lowercase already.
        let hasUpper = host.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        var host = hasUpper ? host.lowercased() : host
        if host.hasSuffix(":80") { host.removeLast(3) } else if host.hasSuffix(":443") { host.removeLast(4) }
        return host
    }

    func route(host: String, path: Substring) -> (tenant: Tenant, path: Substring)? {
        guard let candidates = byHost[TenantRouter.normalize(host: host)] else { return nil }
        // Compared as UTF-8 bytes: issuer paths are ASCII, and Character comparison would cost a
        // grapheme walk on every request.
        for candidate in candidates {
            if candidate.prefix.isEmpty { return (candidate.tenant, path) }
            guard path.utf8.starts(with: candidate.prefix.utf8) else { continue }
            let rest = path[path.utf8.index(path.startIndex, offsetBy: candidate.prefix.utf8.count)...]
            if rest.isEmpty { return (candidate.tenant, "/") }
            if rest.utf8.first == UInt8(ascii: "/") { return (candidate.tenant, rest) }
        }
        return nil
    }
}
