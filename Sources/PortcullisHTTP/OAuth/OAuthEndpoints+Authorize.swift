import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisOAuth
import PortcullisStore
import PortcullisUI

/// `GET|POST {issuer}/authorize` and the consent form's `POST {issuer}/authorize/consent`.
extension OAuthEndpoints {
    func registerAuthorize(on router: Router<PortcullisRequestContext>) {
        router.get("/authorize") { request, context in try await authorize(request, context) }
        router.post("/authorize") { request, context in try await authorize(request, context) }
        router.post("/authorize/consent") { request, context in try await consent(request, context) }
        router.post("/authorize/form") { request, context in try await submitHookForm(request, context) }
    }

    func authorize(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        guard let parameters = await OAuthHTTP.parameters(request) else {
            let page = HostedPageRequest(tenant: tenant, request: request, services: services)
            return await errorPage(page, reason: "the request body is too large or not a form", status: .badRequest)
        }
        return try await authorize(parameters, request: request, context: context, consentGiven: false)
    }

    func authorize(_ parameters: OAuthParameters, request: Request, context: PortcullisRequestContext,
                   consentGiven: Bool, resume: HookFormResume? = nil) async throws -> Response {
        let tenant = try context.requireTenant()
        let page = HostedPageRequest(tenant: tenant, request: request, services: services, uiLocales: parameters["ui_locales"])
        var authorization: AuthorizationRequest
        switch AuthorizationRequest.parse(parameters, tenant: tenant) {
        case .failure(.untrusted(let failure)):
            context.logger.notice("authorization request refused: \(failure.message)")
            return await errorPage(page, reason: failure.message, status: .badRequest)
        case .failure(.redirect(let failure)):
            context.logger.notice("authorization request refused: \(failure.error.description)")
            return respond(.error(failure.error, redirectURI: failure.redirectURI, state: failure.state,
                                  mode: failure.responseMode, issuer: tenant.issuer.text), page: page)
        case .success(let parsed):
            authorization = parsed
        }
        let now = Date()
        let (session, user) = try await page.currentSession(now: now)
        let outcome: AuthorizationOutcome
        do {
            if authorization.prompt.contains("login") || authorization.maxAge != nil {
                authorization.authenticatedAfter = try await ReauthenticationMarker.authenticatedAfter(
                    parameters[ReauthenticationMarker.parameter], tenantID: tenant.id, storage: services.storage, now: now)
                    .map { Int($0.timeIntervalSince1970) }
            }
            outcome = try await AuthorizationFlow(tenant: tenant, storage: storage, now: now, hooks: hooks,
                                                  request: context.eventRequest(for: request))
                .decide(authorization, session: session, user: user, consentGiven: consentGiven, resume: resume)
        } catch {
            context.logger.error("authorization failed: store unavailable: \(error)")
            return respond(.error(.unavailable, redirectURI: authorization.redirectURI, state: authorization.state,
                                  mode: authorization.responseMode, issuer: tenant.issuer.text), page: page)
        }
        switch outcome {
        case .login(let reauthenticate):
            var query = parameters.values
            query[ReauthenticationMarker.parameter] = nil
            if reauthenticate {
                do {
                    query[ReauthenticationMarker.parameter] = try await ReauthenticationMarker.issue(
                        tenantID: tenant.id, storage: services.storage, now: now)
                } catch {
                    context.logger.error("authorization failed: store unavailable: \(error)")
                    return respond(.error(.unavailable, redirectURI: authorization.redirectURI, state: authorization.state,
                                          mode: authorization.responseMode, issuer: tenant.issuer.text), page: page)
                }
            }
            let returnTo = tenant.issuer.text + "/authorize?" + Self.encode(query)
            var login = ["rd": returnTo]
            if let hint = authorization.loginHint { login["login_hint"] = hint }
            if let organization = authorization.organization { login["organization"] = organization }
            if let locales = authorization.uiLocales { login["ui_locales"] = locales }
            return page.redirect(to: page.url("login") + "?" + Self.encode(login))
        case .consent(let scopes):
            // OpenID scopes are described in the page's language; API scopes by their configuration.
            let described = scopes.map { scope -> [String: Any] in
                var entry: [String: Any] = ["value": scope]
                let key = "scope_" + scope
                let text = page.text(key)
                if ScopePolicy.openIDScopes.contains(scope), text != key {
                    entry["description"] = text
                } else if let configured = authorization.audience?.scopes.first(where: { $0.value == scope })?.description,
                          !configured.isEmpty {
                    entry["description"] = configured
                }
                return entry
            }
            return await page.page(.consent, values: [
                "action": tenant.pathPrefix + "/authorize/consent",
                "transaction": Self.encode(parameters.values),
                "consent": ["lead": page.text("consent_lead", ["client": authorization.client.config.name]),
                            "scopes": described],
            ])
        case .form(let pause):
            guard let session, let user else { return await errorPage(page, reason: "no session", status: .badRequest) }
            return try await showHookForm(pause, parameters: parameters, authorization: authorization, session: session,
                                          user: user, page: page, now: now)
        case .respond(let response):
            // Activity extends the idle timeout; a write per minute and session is plenty.
            if let session, now.timeIntervalSince(session.lastSeenAt) > 60,
               response.parameters.contains(where: { $0.0 == "code" }) {
                let idle = now.addingTimeInterval(TimeInterval(tenant.config.session.idleTimeout.components.seconds))
                _ = try? await storage.touch(tenantID: tenant.id, digest: session.digest, now: now, idleExpiresAt: idle)
            }
            return respond(response, page: page)
        }
    }

    /// The consent form: approve → the authorization continues; deny → `access_denied`.
    func consent(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let form: HostedForm
        switch try await HostedForm.read(request, context: context, services: services) {
        case .success(let checked): form = checked
        case .failure(let refusal): return refusal.response
        }
        let page = form.page
        let tenant = form.tenant
        let parameters = OAuthParameters(formEncoded: form["state"])
        guard form["decision"] == "allow" else {
            if case .success(let authorization) = AuthorizationRequest.parse(parameters, tenant: tenant) {
                return respond(.error(OAuthError(.accessDenied, "the user denied access"),
                                      redirectURI: authorization.redirectURI, state: authorization.state,
                                      mode: authorization.responseMode, issuer: tenant.issuer.text), page: page)
            }
            return await errorPage(page, reason: "the request is no longer valid", status: .badRequest)
        }
        return try await authorize(parameters, request: request, context: context, consentGiven: true)
    }

    func errorPage(_ page: HostedPageRequest, reason: String, status: HTTPResponse.Status) async -> Response {
        await page.page(.error, values: ["message": page.text("error_authorize", ["reason": reason])], status: status)
    }

    /// Sends the answer to the client: a redirect with a query, or an auto-submitted form.
    func respond(_ response: AuthorizationResponse, page: HostedPageRequest) -> Response {
        switch response.mode {
        case .query:
            let separator = response.redirectURI.contains("?") ? "&" : "?"
            let location = response.redirectURI + separator + FormEncoding.encode(response.parameters)
            return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
        case .formPost:
            return FormPostResponse.make(response)
        }
    }

    /// A parameter set as a query string, in name order so the same request gives the same URL.
    static func encode(_ values: [String: String]) -> String {
        FormEncoding.encode(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
