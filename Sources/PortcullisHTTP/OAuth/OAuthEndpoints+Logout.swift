import Foundation
import Hummingbird
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisOAuth
import PortcullisStore
import PortcullisUI

/// `GET|POST {issuer}/oidc/logout` (OpenID Connect RP-Initiated Logout 1.0).
///
/// With an `id_token_hint` for the logged-in user the session ends at once; without one, the user
/// confirms on a page first (§2: the OP should ask, so a stray link cannot log people out).
extension OAuthEndpoints {
    func registerLogout(on router: Router<PortcullisRequestContext>) {
        router.get("/oidc/logout") { request, context in try await logout(request, context) }
        router.post("/oidc/logout") { request, context in try await logout(request, context) }
    }

    func logout(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var page = HostedPageRequest(tenant: tenant, request: request, services: services)
        var parameters: OAuthParameters
        var confirmed = false
        if request.method == .post, request.headers[.contentType]?.lowercased()
            .hasPrefix("application/x-www-form-urlencoded") == true {
            // The confirmation form carries the original request in `rd`, behind the CSRF check.
            switch try await HostedForm.read(request, context: context, services: services) {
            case .success(let form): parameters = OAuthParameters(formEncoded: form["rd"])
            case .failure(let refusal): return refusal.response
            }
            confirmed = true
        } else {
            guard let read = await OAuthHTTP.parameters(request) else {
                return await page.page(.error, values: ["message": page.text("error_logout_request", ["reason": "bad body"])],
                                       status: .badRequest)
            }
            parameters = read
        }
        page = HostedPageRequest(tenant: tenant, request: request, services: services, uiLocales: parameters["ui_locales"])
        let logoutRequest: EndSessionRequest
        switch EndSessionRequest.parse(parameters, tenant: tenant) {
        case .success(let parsed): logoutRequest = parsed
        case .failure(let error):
            context.logger.notice("logout request refused: \(error.description)")
            return await page.page(.error, values: ["message": page.text("error_logout_request", ["reason": error.description])],
                                   status: .badRequest)
        }
        let now = Date()
        let (session, user) = try await page.currentSession(now: now)
        if let session {
            let hintMatches = logoutRequest.hintSubject != nil && logoutRequest.hintSubject == user?.externalID
            guard confirmed || hintMatches else {
                return await page.page(.logout, values: [
                    "action": tenant.pathPrefix + "/oidc/logout", "return_to": Self.encode(parameters.values),
                ])
            }
            // Through the resolver's cache too, so forward-auth sees the logout on the next request.
            try await services.sessions.revoke(tenantID: tenant.id, digest: session.digest, at: now, events: [
                DomainEvent(.sessionEnded, tenantID: tenant.id, subject: .user(session.userID), actor: .user(session.userID),
                            request: context.eventRequest(for: request), at: now,
                            details: ["via": "rp_initiated_logout", "client_id": logoutRequest.client?.id ?? "-"]),
            ])
            context.logger.info("session ended by RP-initiated logout",
                                metadata: ["client": .string(logoutRequest.client?.id ?? "-")])
        }
        let cleared = page.sessionCookie(value: "", maxAge: 0)
        if let location = logoutRequest.redirectURL {
            return page.redirect(to: location, cookies: [cleared])
        }
        return await page.page(.logout, values: ["signed_out": true, "links": ["login": page.url("login")]],
                               cookies: [cleared])
    }
}
