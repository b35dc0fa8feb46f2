import HTTPTypes
import PortcullisForwardAuth

/// The headers a resolve request is answered from, read in one pass over the fields.
///
/// `HTTPFields`' subscript scans every field per name and joins repeated values into a new string;
/// the resolver needs eight names on every request. A repeated forwarding or `Authorization` header
/// is unusual enough to take the slow path, which keeps the joined value (and so refuses it exactly
/// as before: a joined URL or method does not parse).
struct ResolverRequestHeaders {
    var originalURL: String?
    var originalMethod: String?
    var forwardedProto: String?
    var forwardedHost: String?
    var forwardedURI: String?
    var forwardedMethod: String?
    var authorization: String?
    /// The session cookie's value; `nil` when absent or when the `Cookie` fields up to it are longer
    /// than ``CredentialHeaders/maximumCookieHeader`` together.
    var sessionCookie: Substring?

    init(_ fields: HTTPFields, cookieName: String) {
        var repeated = false
        var cookieBytes = 0
        var cookiesDone = false
        func take(_ slot: inout String?, _ value: String) {
            if slot != nil { repeated = true } else { slot = value }
        }
        for field in fields {
            switch field.name {
            case .cookie:
                // The HTTP layer splits cookies one per field; a browser may send many.
                guard !cookiesDone else { break }
                cookieBytes += field.value.utf8.count
                if cookieBytes > CredentialHeaders.maximumCookieHeader {
                    cookiesDone = true
                } else if let value = CredentialHeaders.cookie(named: cookieName, in: field.value) {
                    sessionCookie = value
                    cookiesDone = true
                }
            case .xOriginalURL: take(&originalURL, field.value)
            case .xOriginalMethod: take(&originalMethod, field.value)
            case .xForwardedProto: take(&forwardedProto, field.value)
            case .xForwardedHost: take(&forwardedHost, field.value)
            case .xForwardedURI: take(&forwardedURI, field.value)
            case .xForwardedMethod: take(&forwardedMethod, field.value)
            case .authorization: take(&authorization, field.value)
            default: break
            }
        }
        if repeated {
            originalURL = fields[.xOriginalURL]
            originalMethod = fields[.xOriginalMethod]
            forwardedProto = fields[.xForwardedProto]
            forwardedHost = fields[.xForwardedHost]
            forwardedURI = fields[.xForwardedURI]
            forwardedMethod = fields[.xForwardedMethod]
            authorization = fields[.authorization]
        }
    }
}
