import Foundation
import HTTPTypes
import Hummingbird
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisStore

/// `{issuer}/_resolver/…`: the forward-auth resolver nginx `auth_request` (and Traefik, Caddy)
/// ask before every request to a protected application. Any method and any path below
/// `/_resolver/` is accepted, for proxies that append the original URI or keep its method;
/// `/_resolver/redirect` answers 302 to the login page instead of 401, for proxies that pass the
/// resolver's answer on to the browser.
///
/// The thin HTTP step: headers in, ``ForwardAuthResolver`` decides, ``ResolverResponse`` renders.
struct ResolverEndpoint: Sendable {
    static let pathPrefix = "/_resolver"

    let resolver: ForwardAuthResolver
    let tenants: ForwardAuthTenants

    init(storage: any PortcullisStorage, cache: SessionCache) {
        resolver = ForwardAuthResolver(sessions: SessionIdentitySource(storage: storage, cache: cache))
        tenants = ForwardAuthTenants(storage: storage, cache: cache)
    }

    static func handles(_ relativePath: Substring) -> Bool {
        // Byte comparisons: this runs for every request a tenant receives.
        relativePath.utf8.starts(with: "/_resolver/".utf8) || relativePath.utf8.elementsEqual(pathPrefix.utf8)
    }

    func respond(to request: Request, relativePath: Substring, tenant: Tenant, snapshot: ConfigSnapshot,
                 context: PortcullisRequestContext) async -> Response {
        let prepared = tenants.tenant(tenant, in: snapshot)
        let headers = ResolverRequestHeaders(request.headers, cookieName: prepared.cookieName)
        let original: OriginalRequest
        switch OriginalRequest.from(
            originalURL: headers.originalURL, forwardedProto: headers.forwardedProto,
            forwardedHost: headers.forwardedHost, forwardedURI: headers.forwardedURI,
            originalMethod: headers.originalMethod, forwardedMethod: headers.forwardedMethod,
            fallbackMethod: request.method.rawValue)
        {
        case .success(let parsed):
            original = parsed
        case .failure(.missingHeaders):
            return ResolverResponse.problem(.badRequest, "send X-Original-URL, or X-Forwarded-Proto, -Host and -Uri")
        case .failure(.invalid(let what)):
            return ResolverResponse.problem(.badRequest, "unusable original request: \(what)")
        case .failure(.undecodablePath):
            return ResolverResponse.problem(.forbidden, "the original path cannot be decoded")
        }
        let client = prepared.policy.usesNetworks
            ? context.clientAddress(for: request).flatMap(IPNetwork.parseAddress) : nil
        let input = ForwardAuthResolver.Input(
            request: original, client: client,
            sessionToken: headers.sessionCookie,
            bearerToken: CredentialHeaders.bearerToken(in: headers.authorization))
        let outcome: ForwardAuthResolver.Outcome
        do {
            outcome = try await resolver.resolve(input, tenant: prepared)
        } catch {
            context.logger.error("resolver could not read the store", metadata: ["error": "\(error)"])
            return ResolverResponse.problem(.serviceUnavailable, "the session store is unavailable")
        }
        let redirect = relativePath.utf8.elementsEqual("/_resolver/redirect".utf8)
        return ResolverResponse.render(outcome, original: original, tenant: prepared, redirect: redirect)
    }
}

extension HTTPField.Name {
    static let xOriginalURL = HTTPField.Name("X-Original-URL")!
    static let xOriginalMethod = HTTPField.Name("X-Original-Method")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let xForwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let xForwardedURI = HTTPField.Name("X-Forwarded-Uri")!
    static let xForwardedMethod = HTTPField.Name("X-Forwarded-Method")!
}
