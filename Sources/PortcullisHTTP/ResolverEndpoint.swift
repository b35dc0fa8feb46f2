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
    let tenants: ResolverTenants

    init(storage: any PortcullisStorage, cache: SessionCache) {
        let roles: RoleLookup = { tenantID, userID, organizationID in
            try await storage.effectiveRoles(tenantID: tenantID, userID: userID, organizationID: organizationID)
        }
        resolver = ForwardAuthResolver(sessions: SessionIdentitySource(sessions: storage, users: storage, roles: roles,
                                                                       cache: cache))
        tenants = ResolverTenants { tenant in
            BearerTokenVerifier(accessTokens: AccessTokenVerifier(issuer: tenant.issuer.text, keys: tenant.signingKeys),
                                tenantID: tenant.id, users: storage, grants: storage, roles: roles,
                                cache: cache)
        }
    }

    static func handles(_ relativePath: Substring) -> Bool {
        relativePath.hasPrefix(pathPrefix + "/") || relativePath == pathPrefix
    }

    func respond(to request: Request, relativePath: Substring, tenant: Tenant, snapshot: ConfigSnapshot,
                 context: PortcullisRequestContext) async -> Response {
        let prepared = tenants.tenant(tenant, in: snapshot)
        let headers = request.headers
        // Each lookup scans the fields: ask only for what this proxy style sends.
        let originalURL = headers[.xOriginalURL]
        let forwarded = originalURL == nil
            ? (headers[.xForwardedProto], headers[.xForwardedHost], headers[.xForwardedURI]) : (nil, nil, nil)
        let originalMethod = headers[.xOriginalMethod]
        let original: OriginalRequest
        switch OriginalRequest.from(
            originalURL: originalURL, forwardedProto: forwarded.0, forwardedHost: forwarded.1, forwardedURI: forwarded.2,
            originalMethod: originalMethod, forwardedMethod: originalMethod == nil ? headers[.xForwardedMethod] : nil,
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
        let client = prepared.context.policy.usesNetworks
            ? context.clientAddress(for: request).flatMap(IPNetwork.parseAddress) : nil
        let input = ForwardAuthResolver.Input(
            request: original, client: client,
            sessionToken: Self.sessionCookie(named: prepared.cookieName, in: headers),
            bearerToken: CredentialHeaders.bearerToken(in: headers[.authorization]))
        let outcome: ForwardAuthResolver.Outcome
        do {
            outcome = try await resolver.resolve(input, tenant: prepared.context)
        } catch {
            context.logger.error("resolver could not read the store", metadata: ["error": "\(error)"])
            return ResolverResponse.problem(.serviceUnavailable, "the session store is unavailable")
        }
        let redirect = relativePath == Self.pathPrefix + "/redirect"
        return ResolverResponse.render(outcome, original: original, tenant: prepared, redirect: redirect)
    }
}

extension ResolverEndpoint {
    /// The session cookie without joining the `Cookie` fields into one string first: the HTTP layer
    /// has already split them (one field per cookie), and a browser may send many.
    static func sessionCookie(named name: String, in headers: HTTPFields) -> Substring? {
        var total = 0
        for field in headers where field.name == .cookie {
            total += field.value.utf8.count
            guard total <= CredentialHeaders.maximumCookieHeader else { return nil }
            if let value = CredentialHeaders.cookie(named: name, in: field.value) { return value }
        }
        return nil
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
