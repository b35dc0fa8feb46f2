/// The request the proxy is asking about, rebuilt from the forwarding headers: `X-Original-URL`
/// (nginx), or `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-Uri` (Traefik, Caddy),
/// with the method from `X-Original-Method` or `X-Forwarded-Method`.
public struct OriginalRequest: Sendable, Hashable {
    /// `http` or `https`.
    public let scheme: String
    /// Lowercase host without port, as rules match it.
    public let host: String
    /// The URL as the browser asked for it, for the login page's `rd`; built only when needed.
    public var url: String { scheme + "://" + authority + target }
    /// `scheme://host`, with the port only when it is not the scheme's default, all lowercase: the
    /// application's origin, the `aud` of its identity tokens.
    public var origin: String {
        var port = ""
        if authority.last != "]", let colon = authority.lastIndex(of: ":") {
            // Validated as a port (1...65535) when the request was parsed.
            let number = Int(authority[authority.index(after: colon)...]) ?? 0
            if number != (scheme == "https" ? 443 : 80) { port = ":" + String(number) }
        }
        return scheme + "://" + host + port
    }
    let authority: Substring
    let target: Substring
    /// Normalized path (see ``RequestPath``), as rules match it.
    public let path: String
    public let method: String

    /// Longest URL accepted: above nginx's default request-line limit (8 KiB), so nothing nginx
    /// lets through is refused here (auth_request turns any answer but 2xx/401/403 into a 500).
    public static let maximumURLLength = 16384

    public enum Problem: Error, Equatable, Sendable {
        /// Neither `X-Original-URL` nor `X-Forwarded-Host` was sent: a proxy misconfiguration.
        case missingHeaders
        /// Something was sent but is not a usable URL, method or host.
        case invalid(String)
        /// The path cannot be decoded (broken or NUL escapes, not UTF-8), so no rule can be matched
        /// against it safely: refused, never guessed.
        case undecodablePath
    }

    init(scheme: String, host: String, authority: Substring, target: Substring, path: String, method: String) {
        self.scheme = scheme
        self.host = host
        self.authority = authority
        self.target = target
        self.path = path
        self.method = method
    }

    /// Builds the original request from the forwarding headers; `fallbackMethod` is the method of
    /// the resolver request itself, used when no method header is present.
    public static func from(originalURL: String?, forwardedProto: String?, forwardedHost: String?,
                            forwardedURI: String?, originalMethod: String?, forwardedMethod: String?,
                            fallbackMethod: String) -> Result<OriginalRequest, Problem> {
        let method = originalMethod ?? forwardedMethod ?? fallbackMethod
        guard !method.isEmpty, method.utf8.count <= 16,
              method.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            return .failure(.invalid("method"))
        }
        let scheme: Substring, authority: Substring, target: Substring
        if let originalURL {
            guard originalURL.utf8.count <= maximumURLLength else { return .failure(.invalid("X-Original-URL too long")) }
            // Searched as UTF-8 bytes (every delimiter is ASCII, so the indices are character
            // boundaries): this runs on every resolve, and Character searches walk graphemes.
            let utf8 = originalURL.utf8
            guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), utf8[colon...].starts(with: "://".utf8) else {
                return .failure(.invalid("X-Original-URL"))
            }
            scheme = originalURL[..<colon]
            let rest = originalURL[utf8.index(colon, offsetBy: 3)...]
            let slash = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
                ?? rest.endIndex
            authority = rest[..<slash]
            target = slash == rest.endIndex ? "/" : rest[slash...]
        } else if let forwardedHost {
            scheme = Substring(forwardedProto ?? "http")
            // Several proxies in a row append: the first value is the client's.
            authority = forwardedHost.split(separator: ",").first.map { $0.drop { $0 == " " } } ?? ""
            target = Substring(forwardedURI ?? "/")
            guard forwardedHost.utf8.count + target.utf8.count <= maximumURLLength else {
                return .failure(.invalid("forwarded URL too long"))
            }
        } else {
            return .failure(.missingHeaders)
        }
        let loweredScheme = scheme == "https" || scheme == "http" ? String(scheme) : scheme.lowercased()
        guard loweredScheme == "http" || loweredScheme == "https" else { return .failure(.invalid("scheme")) }
        guard let host = hostOf(authority) else { return .failure(.invalid("host")) }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return .failure(.invalid("path")) }
        guard let path = RequestPath.normalize(target) else { return .failure(.undecodablePath) }
        return .success(OriginalRequest(scheme: loweredScheme, host: host, authority: authority, target: target,
                                        path: path, method: method))
    }

    /// The lowercase host of `host[:port]` or `[v6]:port`, or `nil` if it holds anything a host
    /// name or address cannot (user info, spaces, control characters).
    static func hostOf(_ authority: Substring) -> String? {
        guard !authority.isEmpty, authority.utf8.count <= 255 else { return nil }
        var host = authority
        let utf8 = authority.utf8
        if utf8.first == UInt8(ascii: "[") {
            guard let close = utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = authority[...close]
            let after = authority[utf8.index(after: close)...]
            guard after.isEmpty || (after.utf8.first == UInt8(ascii: ":") && isPort(after.dropFirst())) else { return nil }
        } else if let colon = utf8.firstIndex(of: UInt8(ascii: ":")) {
            guard isPort(authority[utf8.index(after: colon)...]) else { return nil }
            host = authority[..<colon]
        }
        let allowed = host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"):
                true
            default: false
            }
        }
        guard allowed, !host.isEmpty else { return nil }
        let hasUpper = host.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        return hasUpper ? host.lowercased() : String(host)
    }

    private static func isPort(_ text: Substring) -> Bool {
        text.utf8.count <= 5 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && Int(text).map { (1...65535).contains($0) } == true
    }
}
