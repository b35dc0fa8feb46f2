import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import PortcullisUI

/// `{issuer}/u/invitation`: the link of an organization invitation. The invitee signs up (no
/// account yet) or logs in (an account exists) with the invited address, fixed on the page, and
/// joins the organization with the invitation's roles and metadata; then the browser goes on to
/// the client's `initiate_login_uri` with `invitation`, `organization` and `organization_name`, as
/// in Auth0, where the application starts a login in the organization (the session already exists).
extension HostedPages {
    static func registerInvitation(on router: Router<PortcullisRequestContext>, services: ServerServices) {
        router.get("/u/invitation") { request, context in
            var page = try hostedPage(request, context, services)
            let ticket = request.uri.queryParameters.get("invitation") ?? ""
            let invitation: Invitation
            do {
                invitation = try await InvitationService(storage: services.storage).usable(ticket: ticket, in: page.tenant.config)
            } catch let refusal as InvitationRefusal {
                return await page.refused(refusal, request: context.eventRequest(for: request), logger: context.logger)
            }
            await page.adopt(organization: invitation.organizationID, logger: context.logger)
            // The page is opened by mail scanners too: it only shows; the ticket is spent on POST.
            return await page.invitationPage(invitation, ticket: ticket)
        }

        postForm("/u/invitation", on: router, services: services) { form, context in
            var page = form.page
            let ticket = form["invitation"]
            let service = InvitationService(storage: services.storage)
            let invitation: Invitation
            do {
                invitation = try await service.usable(ticket: ticket, in: form.tenant.config)
            } catch let refusal as InvitationRefusal {
                return await page.refused(refusal, request: form.eventRequest, logger: context.logger)
            }
            await page.adopt(organization: invitation.organizationID, logger: context.logger)
            let name = form["name"].trimmingCharacters(in: .whitespacesAndNewlines)
            func retry(_ message: String, _ status: HTTPResponse.Status) async -> Response {
                await page.invitationPage(invitation, ticket: ticket, name: name, error: message, status: status)
            }
            guard let connection = form.tenant.connections[invitation.connection ?? ""], connection.type == .database else {
                context.logger.warning("invitation names a connection that is no longer configured",
                                       metadata: ["invitation": .string(invitation.id)])
                return await page.page(.error, values: ["message": page.text("error_not_found")], status: .notFound)
            }
            let existing = try await services.storage.user(tenantID: form.tenant.id, connection: connection.name.value,
                                                           email: invitation.inviteeEmail)
            guard form.allowed(existing == nil ? "signup" : "login", existing == nil ? \.signup : \.login) else {
                return await retry(page.text("error_rate_limited"), .tooManyRequests)
            }
            let password = form["password"]
            if existing == nil {
                guard try await page.invitationSignupOpen(invitation, connection: connection) else {
                    return await page.refused(reason: "signup_closed", message: page.text("invitation_signup_closed"),
                                              invitation: invitation, request: form.eventRequest, logger: context.logger)
                }
                do {
                    // The invitee reached this page through the link sent to the address: it is verified.
                    _ = try await services.accounts.create(
                        NewUser(email: invitation.inviteeEmail,
                                values: [.name: .text(name.isEmpty ? nil : String(name.prefix(200))), .emailVerified: .flag(true)],
                                password: .plain(password)),
                        tenantID: form.tenant.id, connection: connection, by: nil, via: "invitation", request: form.eventRequest)
                } catch {
                    guard let (message, status) = signupRefusal(error, page: page, connection: connection) else { throw error }
                    return page.retryLater(await retry(message, status), status)
                }
            }
            let outcome = try await services.login.login(tenant: form.tenant.config, connection: connection,
                                                         identifier: invitation.inviteeEmail, password: password,
                                                         request: form.eventRequest)
            let token: String, session: Session, user: User
            switch outcome {
            case .success(let issued, let started, let who): (token, session, user) = (issued, started, who)
            case .invalidCredentials: return await retry(page.text("error_invalid_credentials"), .unauthorized)
            case .lockedNow(let locked, _):
                await page.sendMail(.unlock, to: locked, logger: context.logger)
                return await retry(page.text("error_invalid_credentials"), .unauthorized)
            case .locked: return await retry(page.text("error_locked"), .unauthorized)
            case .blocked: return await retry(page.text("error_blocked"), .forbidden)
            case .busy: return page.retryLater(await retry(page.text("error_busy"), .serviceUnavailable), .serviceUnavailable)
            }
            let accepted: Invitation
            do {
                accepted = try await service.accept(ticket: ticket, by: user, in: form.tenant.config, context: form.eventRequest)
            } catch let refusal as InvitationRefusal {
                // Revoked or accepted elsewhere between the checks above and now.
                return await page.refused(refusal, request: form.eventRequest, logger: context.logger)
            }
            context.logger.info("invitation accepted", metadata: [
                "user": .string(user.externalID), "invitation": .string(accepted.id), "organization": .string(accepted.organizationID),
            ])
            let cookie = page.sessionCookie(value: token, maxAge: Int(session.absoluteExpiresAt.timeIntervalSince(session.createdAt)))
            let organization = page.organization
            if let organization, let client = form.tenant.config.clients.first(where: { $0.clientID.value == accepted.clientID }),
               let start = client.initiateLoginURI?.value.text {
                return page.redirect(to: InvitationLink.adding(ticket: ticket, organization: organization, to: start), cookies: [cookie])
            }
            let shown = organization.map { $0.displayName ?? $0.name } ?? accepted.organizationID
            return await page.page(.loggedIn, values: [
                "message": page.text("invitation_joined", ["organization": shown]),
                "links": ["logout": page.url("logout")],
            ], cookies: [cookie])
        }
    }
}

extension HostedPageRequest {
    /// The form: sign-up when the address has no account in the invitation's connection, else log-in.
    func invitationPage(_ invitation: Invitation, ticket: String, name: String = "", error: String? = nil,
                        status: HTTPResponse.Status = .ok) async -> Response {
        let connection = tenant.connections[invitation.connection ?? ""]
        let existing = try? await services.storage.user(tenantID: tenant.id, connection: invitation.connection ?? "",
                                                        email: invitation.inviteeEmail)
        let signup = existing == nil
        let organizationName = organization.map { $0.displayName ?? $0.name } ?? invitation.organizationID
        let arguments = ["inviter": invitation.inviterName, "organization": organizationName]
        let minimum = connection?.passwordPolicy.minLength ?? 10
        var values: [String: Any] = [
            "action": url("invitation"), "ticket": ticket, "email": invitation.inviteeEmail, "name": name, "signup": signup,
            "heading": text(signup ? "invitation_signup_heading" : "invitation_login_heading", arguments),
            "lead": text(signup ? "invitation_signup_lead" : "invitation_login_lead", arguments),
            "policy": ["min_length": String(minimum), "description": text("password_rules", ["min": String(minimum)])],
        ]
        if !signup { values["links"] = ["forgot": url("forgot-password")] }
        if let error { values["error"] = error }
        return await page(.invitation, values: values, status: status)
    }

    /// Sign-up through an invitation needs what Auth0 needs: sign-up enabled for the connection in the
    /// organization (`is_signup_enabled`) or on the connection itself (`signup_enabled`).
    func invitationSignupOpen(_ invitation: Invitation, connection: ConnectionConfig) async throws -> Bool {
        if connection.signupEnabled { return true }
        let enabled = try await services.storage.enabledConnections(tenantID: tenant.id, organizationID: invitation.organizationID)
        return enabled.contains { $0.connection == connection.name.value && $0.isSignupEnabled }
    }

    /// The page for a ticket that cannot be used, with its reason recorded (Auth0's `fi` log).
    func refused(_ refusal: InvitationRefusal, request: EventRequestContext, logger: Logger) async -> Response {
        let (reason, key, status): (String, String, HTTPResponse.Status) = switch refusal {
        case .unknown: ("unknown", "invitation_unknown", .notFound)
        case .expired: ("expired", "invitation_expired", .gone)
        case .used: ("used", "invitation_used", .gone)
        case .revoked: ("revoked", "invitation_revoked", .gone)
        }
        return await refused(reason: reason, message: text(key), invitation: nil, request: request, logger: logger,
                             status: status, login: refusal == .used)
    }

    func refused(reason: String, message: String, invitation: Invitation?, request: EventRequestContext, logger: Logger,
                 status: HTTPResponse.Status = .forbidden, login: Bool = false) async -> Response {
        logger.notice("invitation refused", metadata: ["reason": .string(reason)])
        var details = ["reason": reason]
        if let invitation { details["invitation_id"] = invitation.id }
        services.events.record(DomainEvent(.invitationRefused, tenantID: tenant.id,
                                           subject: invitation.map { .organization($0.organizationID) },
                                           actor: .system, request: request, details: details))
        var values: [String: Any] = ["message": message, "heading_text": text("invitation_refused_heading")]
        if login { values["links"] = ["login": url("login")] }
        return await page(.verifyEmail, values: values, status: status)
    }
}
