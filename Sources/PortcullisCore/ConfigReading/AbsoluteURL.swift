import Foundation

/// An absolute URL as written in configuration, with its parsed parts. Any scheme is accepted here
/// (native apps use private-use schemes for redirects); http and https URLs must have a host.
/// Rules that depend on context (no http outside loopback, no fragment in a redirect URI) are
/// checked where that context is known.
public struct AbsoluteURL: ConfigValue, Hashable, CustomStringConvertible {
    public let text: String
    public let scheme: String
    public let host: String
    public let port: Int?
    public let path: String
    public let hasQuery: Bool
    public let hasFragment: Bool
    public let hasUserInfo: Bool

    /// `maxLength` (in UTF-8 bytes) is 2 KiB for what configuration names; a caller that accepts
    /// longer URLs from requests (a login's return URL) says so.
    public init?(_ text: String, maxLength: Int = 2048) {
        guard !text.isEmpty, text.utf8.count <= maxLength, !text.contains(where: { $0.isWhitespace }),
              let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), !scheme.isEmpty
        else { return nil }
        let host = (components.host ?? "").lowercased()
        if scheme == "http" || scheme == "https" {
            guard !host.isEmpty else { return nil }
        }
        self.text = text
        self.scheme = scheme
        self.host = host
        self.port = components.port
        self.path = components.path
        self.hasQuery = components.query != nil
        self.hasFragment = components.fragment != nil
        self.hasUserInfo = components.user != nil || components.password != nil
    }

    public var description: String { text }
    public var isHTTP: Bool { scheme == "http" || scheme == "https" }
    public var isHTTPS: Bool { scheme == "https" }

    /// Loopback hosts, where plain http is acceptable (RFC 8252 §7.3 for native apps, and local
    /// development everywhere else).
    public var isLoopback: Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") || bare.hasSuffix(".localhost")
    }

    /// `host` or `host:port` when the port is not the scheme's default; the form a Host header takes.
    public var authority: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }

    /// The web origin (`scheme://authority`), as a browser sends it in `Origin`.
    public var origin: String { "\(scheme)://\(authority)" }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> AbsoluteURL? {
        guard let text = String.read(node, path: path, in: context) else { return nil }
        guard let url = AbsoluteURL(text) else {
            context.report(node.position, path, "must be an absolute URL, found \"\(text)\"")
            return nil
        }
        return url
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "string", "format": "uri"]
    }
}
