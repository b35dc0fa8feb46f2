import Foundation
import Hummingbird
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisForwardAuth
import PortcullisOAuth
import PortcullisStore
import PortcullisUI

/// The OpenID Provider's endpoints under each tenant's issuer, at Auth0's paths.
struct OAuthEndpoints: Sendable {
    let services: ServerServices
    var storage: any OAuthStorage { services.storage }
    let replayGuard = AssertionReplayGuard()
    var hooks: any TokenHooks { services.tokenHooks }

    func register(on router: Router<PortcullisRequestContext>) {
        registerAuthorize(on: router)
        registerLogout(on: router)
        router.post("/oauth/token") { request, context in try await token(request, context) }
        router.post("/oauth/revoke") { request, context in try await revoke(request, context) }
        router.post("/oauth/introspect") { request, context in try await introspect(request, context) }
        router.get("/userinfo") { request, context in try await userinfo(request, context) }
        router.post("/userinfo") { request, context in try await userinfo(request, context) }
        for path in ["/oauth/token", "/oauth/revoke", "/userinfo"] {
            router.on(RouterPath(path), method: .options) { request, context in
                OAuthCORS.preflight(request, tenant: try context.requireTenant())
            }
        }
    }

    /// Authenticates the client of a token-style request; the error response when it fails.
    func authenticatedClient(_ request: Request, _ parameters: OAuthParameters, tenant: Tenant,
                             context: PortcullisRequestContext) -> Result<Client, OAuthError> {
        let credentials = ClientAuthentication.Credentials(
            authorizationHeader: request.headers[.authorization], parameters: parameters)
        do {
            let client = try ClientAuthentication(tenant: tenant, replayGuard: replayGuard)
                .authenticate(credentials, tokenEndpoint: tenant.issuer.text + "/oauth/token", now: Date())
            return .success(client)
        } catch {
            context.logger.notice("client authentication failed: \(error.description)")
            return .failure(error)
        }
    }

    func token(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let cors = OAuthCORS.headers(request, tenant: tenant)
        guard let parameters = await OAuthHTTP.parameters(request) else {
            return OAuthHTTP.error(.invalidRequest("the body must be a form or JSON object of at most 64 KiB"),
                                   tenant: tenant, headers: cors)
        }
        let client: Client
        switch authenticatedClient(request, parameters, tenant: tenant, context: context) {
        case .success(let authenticated): client = authenticated
        case .failure(let error): return OAuthHTTP.error(error, tenant: tenant, headers: cors)
        }
        let eventRequest = context.eventRequest(for: request)
        let grantContext = GrantContext(tenant: tenant, storage: storage, now: Date(), hooks: hooks,
                                        revocationObserver: services.sessionCache, events: services.events,
                                        request: eventRequest)
        do {
            let response = try await GrantRegistry.handle(TokenRequest(client: client, parameters: parameters), in: grantContext)
            // Most grants change nothing stored (client_credentials, a non-rotating refresh), and the
            // endpoint serves thousands a second: issuance goes to the batching recorder.
            var details = ["client_id": client.id, "grant_type": parameters["grant_type"] ?? "-"]
            if let audience = parameters["audience"] { details["audience"] = String(audience.prefix(256)) }
            services.events.record(DomainEvent(.tokenIssued, tenantID: tenant.id, subject: .client(client.id),
                                               actor: .client(client.id), request: eventRequest,
                                               at: grantContext.now, details: details))
            return OAuthHTTP.json(response, headers: OAuthCORS.headers(request, tenant: tenant, client: client))
        } catch {
            context.logger.notice("token request refused", metadata: [
                "client": .string(client.id), "grant_type": .string(parameters["grant_type"] ?? "-"),
                "error": .string(error.code.rawValue), "reason": .string(error.description),
            ])
            return OAuthHTTP.error(error, tenant: tenant, headers: cors)
        }
    }

    func revoke(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let cors = OAuthCORS.headers(request, tenant: tenant)
        guard let parameters = await OAuthHTTP.parameters(request) else {
            return OAuthHTTP.error(.invalidRequest("the body must be a form or JSON object"), tenant: tenant, headers: cors)
        }
        let client: Client
        switch authenticatedClient(request, parameters, tenant: tenant, context: context) {
        case .success(let authenticated): client = authenticated
        case .failure(let error): return OAuthHTTP.error(error, tenant: tenant, headers: cors)
        }
        guard let token = parameters["token"] else {
            return OAuthHTTP.error(.invalidRequest("token is required"), tenant: tenant, headers: cors)
        }
        do {
            try await TokenIntrospection(tenant: tenant, storage: storage, revocationObserver: services.sessionCache)
                .revoke(token, caller: client, now: Date())
        } catch {
            return OAuthHTTP.error(error, tenant: tenant, headers: cors)
        }
        var headers = OAuthHTTP.noStore
        headers.append(contentsOf: cors)
        return Response(status: .ok, headers: headers)
    }

    func introspect(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        guard let parameters = await OAuthHTTP.parameters(request) else {
            return OAuthHTTP.error(.invalidRequest("the body must be a form or JSON object"), tenant: tenant)
        }
        let client: Client
        switch authenticatedClient(request, parameters, tenant: tenant, context: context) {
        case .success(let authenticated): client = authenticated
        case .failure(let error): return OAuthHTTP.error(error, tenant: tenant)
        }
        // RFC 7662 §2.1: the caller must be authenticated; a public client proves nothing.
        guard client.config.tokenEndpointAuthMethod != .none else {
            return OAuthHTTP.error(.invalidClient("public clients cannot introspect tokens"), tenant: tenant)
        }
        guard let token = parameters["token"] else {
            return OAuthHTTP.error(.invalidRequest("token is required"), tenant: tenant)
        }
        do {
            let answer = try await TokenIntrospection(tenant: tenant, storage: storage)
                .introspect(token, hint: parameters["token_type_hint"], caller: client, now: Date())
            return OAuthHTTP.json(JSONValue.object(answer))
        } catch {
            return OAuthHTTP.error(error, tenant: tenant)
        }
    }

    func userinfo(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let cors = OAuthCORS.headers(request, tenant: tenant)
        var token = OAuthHTTP.bearerToken(request)
        if token == nil, request.method == .post,
           request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            token = await OAuthHTTP.parameters(request)?["access_token"]
        }
        guard let token else { return OAuthHTTP.bearerError(nil, tenant: tenant, headers: cors) }
        do {
            let claims = try await UserInfo(tenant: tenant, storage: storage).claims(accessToken: token, now: Date())
            return OAuthHTTP.json(JSONValue.object(claims), headers: cors)
        } catch {
            context.logger.notice("userinfo refused: \(error.description)")
            return OAuthHTTP.bearerError(error, tenant: tenant, headers: cors)
        }
    }
}
