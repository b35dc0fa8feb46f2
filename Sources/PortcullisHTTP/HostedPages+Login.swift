import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisStore
import PortcullisUI

/// `POST {issuer}/u/login` and `POST {issuer}/u/logout`.
extension HostedPages {
    static func registerLogin(on router: Router<PortcullisRequestContext>, ui: UIServices) {
        router.post("/u/login") { request, context in
            let tenant = try context.requireTenant()
            let page = HostedPageRequest(tenant: tenant, request: request, ui: ui)
            let form: [String: String]
            switch await page.checkedForm(context) {
            case .success(let fields): form = fields
            case .failure(let refusal): return refusal.response
            }
            let identifier = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
            let returnTo = ReturnURLPolicy.accept(form["state"], tenant: tenant.config)
            func retry(_ key: String, _ status: HTTPResponse.Status) async -> Response {
                await page.page(.login, values: loginValues(page, username: identifier, returnTo: returnTo,
                                                            error: page.text(key)), status: status)
            }
            let client = context.clientAddress(for: request)
            let limits = tenant.config.connections.first { $0.type == .database }?.rateLimits ?? RateLimits()
            guard ui.rateLimiter.allow("login|\(tenant.id)|\(client ?? "-")", rule: .init(limits.login)) else {
                context.logger.notice("login rate limit reached")
                return await retry("error_rate_limited", .tooManyRequests)
            }
            guard let connection = tenant.config.connections.first(where: { $0.type == .database }) else {
                return await page.page(.error, values: ["message": page.text("error_not_found")], status: .notFound)
            }
            let outcome = try await ui.login.login(tenant: tenant.config, connection: connection, identifier: identifier,
                                                   password: form["password"] ?? "", ip: client,
                                                   userAgent: request.headers[.userAgent])
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

        router.post("/u/logout") { request, context in
            let tenant = try context.requireTenant()
            let page = HostedPageRequest(tenant: tenant, request: request, ui: ui)
            let form: [String: String]
            switch await page.checkedForm(context) {
            case .success(let fields): form = fields
            case .failure(let refusal): return refusal.response
            }
            let settings = tenant.config.session
            if let token = page.cookies[settings.cookieName], !token.isEmpty {
                try await ui.sessions.revoke(tenantID: tenant.id, token: token)
            }
            let cleared = page.sessionCookie(value: "", maxAge: 0)
            if let returnTo = ReturnURLPolicy.accept(form["rd"], tenant: tenant.config) {
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

import PortcullisCrypto
