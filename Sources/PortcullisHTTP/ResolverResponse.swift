import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisCore
import PortcullisForwardAuth

/// The resolver's decisions on the wire. Bodies are empty: proxies only read status and headers,
/// and nginx asks with HEAD-like subrequests. Nothing here may be cached by a proxy.
enum ResolverResponse {
    /// Longest original URL carried in `rd`; the login page refuses longer return URLs anyway, and
    /// a short `Login-Url` keeps the answer within proxies' header buffers.
    static let maximumReturnURL = 2048

    static func render(_ outcome: ForwardAuthResolver.Outcome, original: OriginalRequest, tenant: ForwardAuthTenant,
                       redirect: Bool) -> Response {
        var headers = HTTPFields()
        // Room for everything below and the request id added on the way out, so nothing reallocates.
        headers.reserveCapacity(16)
        // Appended, not assigned: every name is added once, and assignment searches for an old value.
        // Content-Length first: `Response` adds it unless present, which would copy the fields.
        headers.append(HTTPField(name: .contentLength, value: "0"))
        headers.append(HTTPField(name: .cacheControl, value: "no-store"))
        headers.append(HTTPField(name: tenant.name(.rule), value: outcome.rule?.name ?? "default"))
        switch outcome.decision {
        case .allow(let identity):
            add(identity, to: &headers, tenant: tenant)
            guard addToken(identity, to: &headers, original: original, tenant: tenant) else { return unsigned }
            return Response(status: .ok, headers: headers)
        case .bypass:
            return Response(status: .ok, headers: headers)
        case .informational(let identity):
            headers.append(HTTPField(name: tenant.name(.sessionValid), value: identity == nil ? "false" : "true"))
            if let identity {
                add(identity, to: &headers, tenant: tenant)
                guard addToken(identity, to: &headers, original: original, tenant: tenant) else { return unsigned }
            }
            return Response(status: .ok, headers: headers)
        case .forbidden:
            return Response(status: .forbidden, headers: headers)
        case .unauthenticated:
            let login = loginURL(tenant: tenant, returnTo: original.url)
            if redirect {
                headers.append(HTTPField(name: .location, value: login))
                return Response(status: .found, headers: headers)
            }
            headers.append(HTTPField(name: tenant.name(.loginURL), value: login))
            return Response(status: .unauthorized, headers: headers)
        }
    }

    static func loginURL(tenant: ForwardAuthTenant, returnTo: String) -> String {
        guard returnTo.utf8.count <= maximumReturnURL,
              let encoded = FormEncoding.percentEncoded(returnTo)
        else { return tenant.loginPage }
        return tenant.loginPage + "?rd=" + encoded
    }

    private static func add(_ identity: ForwardAuthIdentity, to headers: inout HTTPFields, tenant: ForwardAuthTenant) {
        for (header, value) in identity.headerValues {
            headers.append(HTTPField(name: tenant.name(header), value: value))
        }
    }

    /// Adds the identity token when the tenant asks for one; `false` when it could not be signed
    /// (the answer must then not let the request through without it).
    private static func addToken(_ identity: ForwardAuthIdentity, to headers: inout HTTPFields,
                                 original: OriginalRequest, tenant: ForwardAuthTenant) -> Bool {
        guard let issuer = tenant.identityToken else { return true }
        guard let token = try? issuer.token(for: identity, audience: original.origin) else { return false }
        headers.append(HTTPField(name: tenant.name(.identityToken), value: token))
        return true
    }

    private static var unsigned: Response {
        problem(.serviceUnavailable, "the identity token could not be signed")
    }

    /// A refusal the proxy's operator should see: a short plain-text reason.
    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
