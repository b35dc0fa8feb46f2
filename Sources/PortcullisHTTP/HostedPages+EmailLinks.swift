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

/// Flows that run through emailed links: verify the address, reset a forgotten password, unlock.
extension HostedPages {
    static func registerEmailLinks(on router: Router<PortcullisRequestContext>, services: ServerServices) {
        postForm("/u/forgot-password", on: router, services: services) { form, context in
            let page = form.page
            let tenant = form.tenant
            let email = form["email"].trimmingCharacters(in: .whitespaces)
            let values: [String: Any] = ["action": page.url("forgot-password"), "links": ["login": page.url("login")]]
            guard form.allowed("reset", \.passwordReset) else {
                var limited = values
                limited["error"] = page.text("error_rate_limited")
                return await page.page(.forgotPassword, values: limited, status: .tooManyRequests)
            }
            for connection in tenant.connections.databases {
                if let user = try await services.storage.user(tenantID: tenant.id, connection: connection.name.value, email: email),
                   !user.blocked {
                    await page.sendMail(.resetPassword, to: user, logger: context.logger)
                    break
                }
            }
            // The same answer whether or not the address has an account.
            var done = values
            done["notice"] = page.text("notice_reset_sent")
            return await page.page(.forgotPassword, values: done)
        }

        router.get("/u/reset-password") { request, context in
            let page = try hostedPage(request, context, services)
            let token = request.uri.queryParameters.get("token") ?? ""
            // The link is consumed only when the new password is posted, so opening it twice (a mail
            // scanner, a double click) does not burn it.
            return await page.page(.resetPassword, values: resetValues(page, token: token))
        }

        postForm("/u/reset-password", on: router, services: services) { form, context in
            let page = form.page
            let tenant = form.tenant
            let token = form["token"]
            let password = form["password"]
            let now = Date()
            guard let record = try await page.consumeLink(token, purpose: .resetPassword, now: now),
                  let user = try await services.storage.user(tenantID: tenant.id, id: record.userID),
                  let connection = tenant.connections[user.connection]
            else {
                return await page.page(.error, values: ["message": page.text("error_link_invalid")], status: .badRequest)
            }
            if let problem = PasswordPolicyCheck.problem(password, email: user.email, policy: connection.passwordPolicy) {
                // The token was spent; issue a fresh one so the person can try again from this form.
                let retry = RandomToken.make()
                try await services.storage.createEmailToken(EmailToken(
                    digest: SecretDigest(of: retry).hex, tenantID: tenant.id, userID: user.id, purpose: .resetPassword,
                    expiresAt: record.expiresAt))
                var values = resetValues(page, token: retry)
                values["error"] = page.text(problem.messageKey, ["min": String(connection.passwordPolicy.minLength)])
                return await page.page(.resetPassword, values: values, status: .badRequest)
            }
            let hash: String
            do { hash = try await services.hashing.hash(password, parameters: Argon2idParameters(connection.passwordHashing)) } catch {
                return await page.page(.error, values: ["message": page.text("error_busy")], status: .serviceUnavailable)
            }
            func event(_ kind: DomainEventKind) -> DomainEvent {
                DomainEvent(kind, tenantID: tenant.id, subject: .user(user.id), actor: .user(user.id),
                            request: form.eventRequest, at: now, details: ["via": "password_reset"])
            }
            try await services.storage.setPassword(PasswordCredential(tenantID: tenant.id, userID: user.id, hash: hash, updatedAt: now),
                                                   events: [event(.passwordChanged)])
            try await services.storage.reset(tenantID: tenant.id, userID: user.id)
            // A reset is what people do when they fear someone else knows the password.
            // Applications' refresh tokens too: offline access must not outlive the password it came from.
            let revoked = try await services.sessions.revokeAll(tenantID: tenant.id, userID: user.id, at: now,
                                                                events: [event(.sessionsRevoked)])
            let grants = try await services.storage.revokeRefreshTokens(tenantID: tenant.id, userID: user.id, at: now,
                                                                        events: [event(.grantRevoked)])
            context.logger.info("password reset", metadata: [
                "user": .string(user.externalID), "sessions_revoked": "\(revoked)", "refresh_tokens_revoked": "\(grants)",
            ])
            return await page.page(.verifyEmail, values: ["message": page.text("notice_password_reset"),
                                                          "heading_text": page.text("reset_done_heading"),
                                                          "links": ["login": page.url("login")]])
        }

        router.get("/u/verify-email") { request, context in
            let page = try hostedPage(request, context, services)
            let tenant = page.tenant
            let token = request.uri.queryParameters.get("token") ?? ""
            guard let record = try await page.consumeLink(token, purpose: .verifyEmail, now: Date()),
                  var user = try await services.storage.user(tenantID: tenant.id, id: record.userID)
            else {
                services.events.record(DomainEvent(.emailVerificationFailed, tenantID: tenant.id, actor: .system,
                                                   request: context.eventRequest(for: request),
                                                   details: ["reason": "invalid_or_expired_link"]))
                return await page.page(.verifyEmail, values: ["message": page.text("error_link_invalid"),
                                                              "links": ["login": page.url("login")]], status: .badRequest)
            }
            user.emailVerified = true
            _ = try await services.storage.update(user, events: [
                DomainEvent(.emailVerified, tenantID: tenant.id, subject: .user(user.id), actor: .user(user.id),
                            request: context.eventRequest(for: request)),
            ])
            context.logger.info("email verified", metadata: ["user": .string(user.externalID)])
            return await page.page(.verifyEmail, values: ["message": page.text("notice_email_verified"),
                                                          "links": ["login": page.url("login")]])
        }

        router.get("/u/unlock") { request, context in
            let page = try hostedPage(request, context, services)
            let tenant = page.tenant
            let token = request.uri.queryParameters.get("token") ?? ""
            guard let record = try await page.consumeLink(token, purpose: .unlock, now: Date())
            else {
                return await page.page(.verifyEmail, values: ["message": page.text("error_link_invalid"),
                                                              "links": ["login": page.url("login")]], status: .badRequest)
            }
            try await services.storage.reset(tenantID: tenant.id, userID: record.userID, events: [
                DomainEvent(.accountUnlocked, tenantID: tenant.id, subject: .user(record.userID), actor: .user(record.userID),
                            request: context.eventRequest(for: request), details: ["via": "email_link"]),
            ])
            return await page.page(.verifyEmail, values: ["message": page.text("notice_unlocked"),
                                                          "heading_text": page.text("unlock_heading"),
                                                          "links": ["login": page.url("login")]])
        }
    }

    static func resetValues(_ page: HostedPageRequest, token: String) -> [String: Any] {
        let minimum = page.tenant.connections.loginDatabase?.passwordPolicy.minLength ?? 10
        return ["action": page.url("reset-password"), "token": token,
                "policy": ["min_length": String(minimum), "description": page.text("password_rules", ["min": String(minimum)])]]
    }
}

extension HostedPageRequest {
    /// Spends an emailed link's token: the stored record once, if the token is well-formed, unexpired
    /// and of this purpose; nil otherwise.
    func consumeLink(_ token: String, purpose: EmailTokenPurpose, now: Date) async throws -> EmailToken? {
        guard token.utf8.count <= 128 else { return nil }
        return try await services.storage.consumeEmailToken(tenantID: tenant.id, digest: SecretDigest(of: token).hex,
                                                      purpose: purpose, now: now)
    }
}
