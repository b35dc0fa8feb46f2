import Foundation
import HTTPTypes
import Hummingbird
import PortcullisConfig
import PortcullisCore
import PortcullisOAuth
import PortcullisSAML
import PortcullisStore
import PortcullisUI

/// `GET|POST {issuer}/samlp/{sp}/logout`: SP-initiated single logout. The browser's Portcullis
/// session ends (through the shared session revocation, so forward auth sees it at once) and a
/// signed LogoutResponse goes to the SP's SingleLogoutService with its binding.
extension SAMLEndpoints {
    func singleLogout(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let (tenant, provider) = try provider(context)
        let page = HostedPageRequest(tenant: tenant, request: request, services: services)
        let sloURL = Self.sloURL(tenant, provider)
        if request.method == .post {
            return await continueAsGet(request, to: sloURL, provider: provider, page: page, context: context)
        }
        let now = Date()
        let message: SAMLBindingMessage
        let logout: LogoutRequest
        do {
            message = try .redirect(rawQuery: request.uri.query ?? "", parameter: "SAMLRequest")
            logout = try SAMLRequestCheck(provider: provider, endpointURL: sloURL, now: now).logoutRequest(message)
        } catch let error as SAMLBindingMessage.Problem {
            context.logger.notice("SAML logout refused", metadata: ["sp": .string(provider.id), "reason": .string(error.description)])
            return await errorPage(page, reason: error.description)
        } catch {
            context.logger.notice("SAML logout refused", metadata: ["sp": .string(provider.id), "reason": .string("\(error)")])
            return await errorPage(page, reason: "\(error)")
        }
        let (session, _) = try await page.currentSession(now: now)
        // The browser's own session, unless the request names other sessions than this one.
        if let session, logout.sessionIndexes.isEmpty || logout.sessionIndexes.contains(SessionID.make(sessionDigest: session.digest)) {
            try await services.sessions.revoke(tenantID: tenant.id, digest: session.digest, at: now, events: [
                DomainEvent(.sessionEnded, tenantID: tenant.id, subject: .user(session.userID), actor: .user(session.userID),
                            request: context.eventRequest(for: request), at: now,
                            details: ["via": "saml_single_logout", "service_provider": provider.id]),
            ])
            context.logger.info("session ended by SAML single logout", metadata: ["sp": .string(provider.id)])
        }
        let cleared = page.sessionCookie(value: "", maxAge: 0)
        guard let endpoint = provider.config.singleLogout, let url = endpoint.url?.value.text else {
            return await page.page(.logout, values: ["signed_out": true, "links": ["login": page.url("login")]], cookies: [cleared])
        }
        let builder = SAMLResponseBuilder(idpEntityID: Self.entityID(tenant), provider: provider, producer: producer(for: provider))
        do {
            switch endpoint.binding {
            case .httpRedirect:
                let xml = try await builder.logoutResponse(status: .success, destination: url, inResponseTo: logout.id,
                                                           now: now, signEnveloped: false)
                let location = try await SAMLRedirectEncoder.url(base: url, parameter: "SAMLResponse", xml: xml,
                                                                 relayState: message.relayState,
                                                                 algorithm: provider.signatureAlgorithm,
                                                                 producer: producer(for: provider))
                return page.redirect(to: location, cookies: [cleared])
            case .httpPost:
                let xml = try await builder.logoutResponse(status: .success, destination: url, inResponseTo: logout.id,
                                                           now: now, signEnveloped: true)
                var fields = [("SAMLResponse", Data(xml).base64EncodedString())]
                if let relayState = message.relayState { fields.append(("RelayState", relayState)) }
                var response = FormPostResponse.make(action: url, fields: fields)
                response.headers.append(HTTPField(name: .setCookie, value: cleared.description))
                return response
            }
        } catch {
            context.logger.error("SAML logout response not sent", metadata: ["sp": .string(provider.id), "error": .string("\(error)")])
            return await page.page(.logout, values: ["signed_out": true, "links": ["login": page.url("login")]], cookies: [cleared])
        }
    }
}
