import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import PortcullisUI

/// `POST {issuer}/u/login` and `POST {issuer}/u/logout`.
extension HostedPages {
    static func registerLogin(on router: Router<PortcullisRequestContext>, services: ServerServices) {
        postForm("/u/login", on: router, services: services) { form, context in
            var page = form.page
            await page.adopt(organization: form.fields["organization"], logger: context.logger)
            let tenant = form.tenant
            let identifier = form["username"].trimmingCharacters(in: .whitespaces)
            let returnTo = ReturnURLPolicy.accept(form.fields["state"], tenant: tenant.config)
            func retry(_ key: String, _ status: HTTPResponse.Status) async -> Response {
                await page.page(.login, values: loginValues(page, username: identifier, returnTo: returnTo,
                                                            error: page.text(key)), status: status)
            }
            guard form.allowed("login", \.login) else {
                context.logger.notice("login rate limit reached")
                return await retry("error_rate_limited", .tooManyRequests)
            }
            guard let connection = tenant.connections.loginDatabase else {
                return await page.page(.error, values: ["message": page.text("error_not_found")], status: .notFound)
            }
            let outcome = try await services.login.login(tenant: tenant.config, connection: connection,
                                                         identifier: identifier, password: form["password"],
                                                         request: form.eventRequest)
            switch outcome {
            case .success(let token, let session, let user):
                context.logger.info("login succeeded", metadata: ["user": .string(user.externalID)])
                let cookie = page.sessionCookie(value: token, maxAge: Int(session.absoluteExpiresAt.timeIntervalSince(session.createdAt)))
                if let returnTo { return page.redirect(to: returnTo, cookies: [cookie]) }
                return await page.page(.loggedIn, values: [
                    "message": page.text("notice_logged_in", ["name": user.name ?? user.email]),
                    "links": ["logout": page.url("logout")],
                ], cookies: [cookie])
            case .invalidCredentials:
                context.logger.notice("login failed: invalid credentials")
                return await retry("error_invalid_credentials", .unauthorized)
            case .lockedNow(let user, _):
                context.logger.notice("login failed: account locked after repeated failures", metadata: ["user": .string(user.externalID)])
                await page.sendMail(.unlock, to: user, logger: context.logger)
                return await retry("error_invalid_credentials", .unauthorized)
            case .locked:
                context.logger.notice("login refused: account locked")
                return await retry("error_locked", .unauthorized)
            case .blocked:
                context.logger.notice("login refused: user blocked")
                return await retry("error_blocked", .forbidden)
            case .busy:
                context.logger.warning("login refused: password hashing saturated")
                var response = await retry("error_busy", .serviceUnavailable)
                response.headers[.retryAfter] = "2"
                return response
            }
        }

        postForm("/u/logout", on: router, services: services) { form, context in
            let page = form.page
            let tenant = form.tenant
            if let token = page.cookies[tenant.config.session.cookieName], !token.isEmpty {
                let digest = SecretDigest(of: token).hex
                if let session = try await services.storage.session(tenantID: tenant.id, digest: digest, now: Date()) {
                    try await services.sessions.revoke(tenantID: tenant.id, digest: digest, events: [
                        DomainEvent(.sessionEnded, tenantID: tenant.id, subject: .user(session.userID),
                                    actor: .user(session.userID), request: form.eventRequest, details: ["via": "hosted_logout"]),
                    ])
                } else {
                    try await services.sessions.revoke(tenantID: tenant.id, digest: digest)
                }
            }
            let cleared = page.sessionCookie(value: "", maxAge: 0)
            if let returnTo = ReturnURLPolicy.accept(form.fields["rd"], tenant: tenant.config) {
                return page.redirect(to: returnTo, cookies: [cleared])
            }
            return await page.page(.logout, values: ["signed_out": true, "links": ["login": page.url("login")]],
                                   cookies: [cleared])
        }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
