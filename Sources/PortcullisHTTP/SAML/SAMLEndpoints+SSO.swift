import Foundation
import HTTPTypes
import Hummingbird
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisOAuth
import PortcullisSAML
import PortcullisStore
import PortcullisUI

/// `GET|POST {issuer}/samlp/{sp}`: SP-initiated SSO for both bindings, and IdP-initiated SSO
/// (a GET without SAMLRequest) where the SP allows it.
extension SAMLEndpoints {
    func singleSignOn(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let (tenant, provider) = try provider(context)
        let page = HostedPageRequest(tenant: tenant, request: request, services: services)
        let ssoURL = Self.ssoURL(tenant, provider)
        if request.method == .post {
            return await continueAsGet(request, to: ssoURL, provider: provider, page: page, context: context)
        }
        let rawQuery = request.uri.query ?? ""
        guard request.uri.queryParameters["SAMLRequest"] != nil else {
            return try await idpInitiated(request, context, tenant: tenant, provider: provider, page: page)
        }
        let message: SAMLBindingMessage
        do {
            message = try .redirect(rawQuery: rawQuery, parameter: "SAMLRequest")
        } catch {
            context.logger.notice("SAML request refused", metadata: ["sp": .string(provider.id), "reason": .string(error.description)])
            return await errorPage(page, reason: error.description)
        }
        let now = Date()
        let accepted: SAMLRequestCheck.Accepted
        do {
            accepted = try SAMLRequestCheck(provider: provider, endpointURL: ssoURL, now: now).authnRequest(message)
        } catch {
            context.logger.notice("SAML request refused", metadata: ["sp": .string(provider.id), "reason": .string(error.description)])
            return await errorPage(page, reason: error.description)
        }
        let answer = Answer(endpoints: self, tenant: tenant, provider: provider, destination: accepted.assertionConsumerService,
                            inResponseTo: accepted.request.id, relayState: message.relayState, context: context, now: now)
        if let refusal = accepted.refusal {
            context.logger.notice("SAML request answered with an error status",
                                  metadata: ["sp": .string(provider.id), "status": .string(refusal.description)])
            return await answer.status(refusal, page: page)
        }
        let (session, user) = try await page.currentSession(now: now)
        // ForceAuthn: a sign-in after the login page was asked for (the marker the store vouches
        // for), never an older one.
        let requiredAuthTime = accepted.request.forceAuthn
            ? try await ReauthenticationMarker.authenticatedAfter(
                request.uri.queryParameters.get(ReauthenticationMarker.parameter), tenantID: tenant.id,
                storage: services.storage, now: now) ?? .distantFuture
            : nil
        guard let session, let user, !user.blocked,
              requiredAuthTime.map({ session.authTime >= $0 }) ?? true else {
            if accepted.request.isPassive { return await answer.status(.noPassive(), page: page) }
            var returnTo = ssoURL + "?" + Self.withoutMarker(rawQuery)
            if accepted.request.forceAuthn {
                let marker = try await ReauthenticationMarker.issue(tenantID: tenant.id, storage: services.storage, now: now)
                returnTo += "&" + FormEncoding.encode([(ReauthenticationMarker.parameter, marker)])
            }
            return await loginRedirect(page, returnTo: returnTo)
        }
        // Each request is answered once: the ID is remembered until it would be refused for its age.
        let digest = SecretDigest(of: "\(provider.id)\u{0}\(accepted.request.id)").hex
        let fresh = try await services.storage.recordSingleUse(
            tenantID: tenant.id, purpose: "saml_request", digest: digest,
            expiresAt: accepted.request.issueInstant.addingTimeInterval(SAMLRequestCheck.maxAge + 60), now: now)
        guard fresh else {
            context.logger.notice("SAML request replayed", metadata: ["sp": .string(provider.id)])
            return await answer.status(.requestDenied("this request was already answered"), page: page)
        }
        return try await answer.success(session: session, user: user, page: page)
    }

    /// IdP-initiated SSO: an unsolicited response to the default endpoint, for a signed-in user.
    func idpInitiated(_ request: Request, _ context: PortcullisRequestContext, tenant: Tenant, provider: SAMLServiceProvider,
                      page: HostedPageRequest) async throws -> Response {
        guard provider.config.allowIdPInitiated else {
            return await errorPage(page, reason: "the request has no SAMLRequest, and service provider \(provider.id) does not allow IdP-initiated sign-in")
        }
        guard let destination = provider.config.defaultAssertionConsumerService?.url?.value.text else {
            return await errorPage(page, reason: "service provider \(provider.id) has no AssertionConsumerService")
        }
        let relayState = request.uri.queryParameters["RelayState"].map(String.init) ?? provider.config.defaultRelayState
        if let relayState, relayState.utf8.count > SAMLBindingMessage.maxRelayStateBytes {
            return await errorPage(page, reason: SAMLBindingMessage.Problem.relayStateTooLong.description)
        }
        let now = Date()
        let (session, user) = try await page.currentSession(now: now)
        guard let session, let user, !user.blocked else {
            var returnTo = Self.ssoURL(tenant, provider)
            if let relayState { returnTo += "?" + FormEncoding.encode([("RelayState", relayState)]) }
            return await loginRedirect(page, returnTo: returnTo)
        }
        let answer = Answer(endpoints: self, tenant: tenant, provider: provider, destination: destination,
                            inResponseTo: nil, relayState: relayState, context: context, now: now)
        return try await answer.success(session: session, user: user, page: page)
    }

    /// A POST-binding request (SSO or SLO), continued as a top-level GET to the same endpoint: a
    /// cross-site POST carries no SameSite=Lax session cookie, a GET does, and the login page can
    /// come back to it (an XML signature, if any, travels inside the message).
    func continueAsGet(_ request: Request, to endpoint: String, provider: SAMLServiceProvider, page: HostedPageRequest,
                       context: PortcullisRequestContext) async -> Response {
        guard let fields = await Self.formFields(request) else {
            return await errorPage(page, reason: "the request body is too large or not a form")
        }
        do {
            let message = try SAMLBindingMessage.post(message: fields["SAMLRequest"], relayState: fields["RelayState"],
                                                      parameter: "SAMLRequest")
            return Response(status: .seeOther, headers: [.location: Self.getURL(endpoint, message), .cacheControl: "no-store"])
        } catch {
            context.logger.notice("SAML request refused", metadata: ["sp": .string(provider.id), "reason": .string(error.description)])
            return await errorPage(page, reason: error.description)
        }
    }

    /// The GET URL that carries a POST-binding message on (DEFLATE + base64, as the Redirect binding).
    static func getURL(_ ssoURL: String, _ message: SAMLBindingMessage) -> String {
        var pairs = [("SAMLRequest", Data(SAMLBindingMessage.deflate(message.xml)).base64EncodedString())]
        if let relayState = message.relayState { pairs.append(("RelayState", relayState)) }
        return ssoURL + "?" + FormEncoding.encode(pairs)
    }

    /// The login page, coming back to `returnTo` after the sign-in. A return URL longer than the
    /// login page keeps would be dropped there and the request forgotten, so it is refused here with
    /// the reason instead (a POST-binding request continues in the URL, see `continueAsGet`).
    func loginRedirect(_ page: HostedPageRequest, returnTo: String) async -> Response {
        guard returnTo.utf8.count <= ReturnURLPolicy.maxLength else {
            return await errorPage(page, reason: "the request is too large to continue after signing in "
                                   + "(\(returnTo.utf8.count) bytes in the URL; at most \(ReturnURLPolicy.maxLength))")
        }
        return page.redirect(to: page.url("login") + "?" + FormEncoding.encode([("rd", returnTo)]))
    }

    static func withoutMarker(_ rawQuery: String) -> String {
        rawQuery.split(separator: "&").filter { !$0.hasPrefix(ReauthenticationMarker.parameter + "=") }.joined(separator: "&")
    }

    /// Sends the answer to a trusted endpoint: a signed response in an auto-submitted form.
    struct Answer {
        let endpoints: SAMLEndpoints
        let tenant: Tenant
        let provider: SAMLServiceProvider
        let destination: String
        let inResponseTo: String?
        let relayState: String?
        let context: PortcullisRequestContext
        let now: Date

        var builder: SAMLResponseBuilder {
            SAMLResponseBuilder(idpEntityID: SAMLEndpoints.entityID(tenant), provider: provider,
                                producer: endpoints.producer(for: provider))
        }

        func status(_ status: SAMLStatus, page: HostedPageRequest) async -> Response {
            do {
                let xml = try await builder.status(status, destination: destination, inResponseTo: inResponseTo, now: now)
                return post(xml)
            } catch {
                context.logger.error("SAML response not sent", metadata: ["sp": .string(provider.id), "error": .string(error.description)])
                return await endpoints.errorPage(page, reason: "the response could not be signed", status: .badGateway)
            }
        }

        /// - Throws: what the store throws reading the user's roles (the request fails as any other
        ///   store failure does, rather than sending a response that silently lacks the roles).
        func success(session: Session, user: User, page: HostedPageRequest) async throws -> Response {
            let storage = endpoints.services.storage
            let roles = try await storage.effectiveRoles(tenantID: tenant.id, userID: user.id, organizationID: nil)
            let profile = SAMLUserProfile(
                userID: user.externalID, email: user.email, emailVerified: user.emailVerified, name: user.name,
                givenName: user.givenName, familyName: user.familyName, nickname: user.username, picture: user.picture,
                roles: roles, appMetadata: Self.json(user.appMetadataJSON), userMetadata: Self.json(user.userMetadataJSON))
            let login = SAMLResponseBuilder.Login(profile: profile, sessionIndex: SessionID.make(sessionDigest: session.digest),
                                                  authnInstant: session.authTime, sessionNotOnOrAfter: session.absoluteExpiresAt)
            do {
                let xml = try await builder.success(login: login, destination: destination, inResponseTo: inResponseTo, now: now)
                endpoints.services.events.record(DomainEvent(
                    .tokenIssued, tenantID: tenant.id, subject: .user(user.id), actor: .user(user.id),
                    request: context.eventRequest(for: page.request), at: now,
                    details: ["protocol": "samlp", "service_provider": provider.id,
                              "flow": inResponseTo == nil ? "idp_initiated" : "sp_initiated"]))
                context.logger.info("SAML response sent", metadata: ["sp": .string(provider.id)])
                return post(xml)
            } catch {
                context.logger.error("SAML response not sent", metadata: ["sp": .string(provider.id), "error": .string(error.description)])
                let status: HTTPResponse.Status = if case .noNameID = error { .badRequest } else { .badGateway }
                return await endpoints.errorPage(page, reason: error.description, status: status)
            }
        }

        func post(_ xml: [UInt8]) -> Response {
            var fields = [("SAMLResponse", Data(xml).base64EncodedString())]
            if let relayState { fields.append(("RelayState", relayState)) }
            return FormPostResponse.make(action: destination, fields: fields)
        }

        static func json(_ text: String) -> JSONValue {
            (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .object([:])
        }
    }
}
