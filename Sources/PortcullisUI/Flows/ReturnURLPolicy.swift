import PortcullisCore

/// Where a login may send the browser back to (`rd`): only to hosts the tenant names — its own
/// issuer host, `forward_auth.allowed_return_hosts`, and the hosts of its access rules (exact or
/// `*.` wildcard, matched as access rules match them) — and only over http(s). Anything else is
/// dropped, so the login page is never an open redirect.
public enum ReturnURLPolicy {
    /// 8 KiB: an authorization request coming back after login may carry an id_token_hint, a SAML
    /// request a signature and its certificate. The login URL carrying it stays within what common
    /// proxies accept in a request line once they are told (docs/deployment.md).
    public static let maxLength = 8192

    public static func accept(_ candidate: String?, tenant: TenantConfig) -> String? {
        guard let candidate, let url = AbsoluteURL(candidate, maxLength: maxLength), url.isHTTP,
              !url.hasUserInfo
        else { return nil }
        let host = url.host
        if let issuer = tenant.issuer, issuer.host == host { return url.text }
        let named = tenant.forwardAuth.allowedReturnHosts + tenant.accessRules.flatMap { $0.hosts.map(\.value) }
        return named.contains { HostPattern($0).matches(host) } ? url.text : nil
    }
}
