/// Cookie parsing and `Set-Cookie` rendering (RFC 6265). Written here because the HTTP framework
/// does not parse request cookies into a typed form we can bound.
public enum Cookies {
    /// Name → value from a `Cookie` header; the first occurrence of a name wins (the most specific
    /// path, as browsers send it). Oversized headers are ignored rather than parsed.
    public static func parse(_ header: String?) -> [String: String] {
        guard let header, header.utf8.count <= 8192 else { return [:] }
        var cookies: [String: String] = [:]
        for pair in header.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals].trimmingCharacters(in: .whitespaces)
            var value = pair[pair.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            if !name.isEmpty, cookies[name] == nil { cookies[name] = value }
        }
        return cookies
    }
}

/// One `Set-Cookie` header value. Session cookies are always HttpOnly; Secure follows the issuer's
/// scheme; SameSite=Lax lets a top-level redirect back from an application carry the session.
public struct SetCookie: Sendable, CustomStringConvertible {
    public enum SameSite: String, Sendable { case lax = "Lax", strict = "Strict", none = "None" }

    public var name: String
    public var value: String
    public var path: String = "/"
    public var domain: String?
    public var maxAge: Int?
    public var secure: Bool
    public var httpOnly = true
    public var sameSite: SameSite = .lax

    public init(name: String, value: String, path: String = "/", domain: String? = nil, maxAge: Int? = nil,
                secure: Bool, httpOnly: Bool = true, sameSite: SameSite = .lax) {
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.maxAge = maxAge
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
    }

    /// A cookie that deletes one of the same name, path and domain.
    public static func expired(name: String, path: String, domain: String?, secure: Bool) -> SetCookie {
        SetCookie(name: name, value: "", path: path, domain: domain, maxAge: 0, secure: secure)
    }

    public var description: String {
        var parts = ["\(name)=\(value)", "Path=\(path)"]
        if let domain { parts.append("Domain=\(domain)") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        if httpOnly { parts.append("HttpOnly") }
        parts.append("SameSite=\(sameSite.rawValue)")
        return parts.joined(separator: "; ")
    }
}

import Foundation
