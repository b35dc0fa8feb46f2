import PortcullisCore

/// Where a login may send the browser back to (`rd`): only to hosts the tenant names — its own
/// issuer host, `forward_auth.allowed_return_hosts`, and the hosts of its access rules — and only
/// over http(s). Anything else is dropped, so the login page is never an open redirect.
public enum ReturnURLPolicy {
    public static func accept(_ candidate: String?, tenant: TenantConfig) -> String? {
        guard let candidate, candidate.utf8.count <= 2048, let url = AbsoluteURL(candidate), url.isHTTP,
              !url.hasUserInfo
        else { return nil }
        let host = url.host
        var patterns = tenant.forwardAuth.allowedReturnHosts.map { $0.lowercased() }
        patterns += tenant.accessRules.flatMap { $0.hosts.map { $0.value.lowercased() } }
        if let issuer = tenant.issuer { patterns.append(issuer.host) }
        let allowed = patterns.contains { pattern in
            if pattern.hasPrefix("*.") {
                let suffix = String(pattern.dropFirst(1))
                return host.hasSuffix(suffix) && host.count > suffix.count
            }
            return host == pattern
        }
        return allowed ? url.text : nil
    }
}
