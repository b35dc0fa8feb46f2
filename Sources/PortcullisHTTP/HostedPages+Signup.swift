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

/// `POST {issuer}/u/signup`: creates a user in the tenant's sign-up connection and logs them in.
extension HostedPages {
    static func registerSignup(on router: Router<PortcullisRequestContext>, services: ServerServices) {
        postForm("/u/signup", on: router, services: services, before: { page in
            guard page.tenant.connections.signup == nil else { return nil }
            return await page.page(.error, values: ["message": page.text("error_signup_disabled")], status: .notFound)
        }) { form, context in
            let page = form.page
            let tenant = form.tenant
            guard let connection = tenant.connections.signup else {
                return await page.page(.error, values: ["message": page.text("error_signup_disabled")], status: .notFound)
            }
            let email = form["email"].trimmingCharacters(in: .whitespaces)
            let name = form["name"].trimmingCharacters(in: .whitespacesAndNewlines)
            let password = form["password"]
            func retry(_ message: String, _ status: HTTPResponse.Status) async -> Response {
                await page.page(.signup, values: signupValues(page, email: email, name: name, error: message), status: status)
            }
            guard form.allowed("signup", \.signup) else {
                return await retry(page.text("error_rate_limited"), .tooManyRequests)
            }
            let user: User
            do {
                user = try await services.accounts.create(
                    NewUser(email: email, values: [.name: .text(name.isEmpty ? nil : String(name.prefix(200)))],
                            password: .plain(password)),
                    tenantID: tenant.id, connection: connection, by: nil, via: "signup", request: form.eventRequest)
            } catch {
                guard let (message, status) = signupRefusal(error, page: page, connection: connection) else { throw error }
                return page.retryLater(await retry(message, status), status)
            }
            context.logger.info("user signed up", metadata: ["user": .string(user.externalID)])
            await page.sendMail(.verifyEmail, to: user, logger: context.logger)
            let outcome = try await services.login.login(tenant: tenant.config, connection: connection, identifier: email,
                                                         password: password, request: form.eventRequest)
            guard case .success(let token, let session, _) = outcome else {
                return page.redirect(to: page.url("login"))
            }
            let cookie = page.sessionCookie(value: token, maxAge: Int(session.absoluteExpiresAt.timeIntervalSince(session.createdAt)))
            if let returnTo = ReturnURLPolicy.accept(form.fields["state"], tenant: tenant.config) {
                return page.redirect(to: returnTo, cookies: [cookie])
            }
            return await page.page(.loggedIn, values: [
                "message": page.text("notice_logged_in", ["name": name.isEmpty ? email : name]),
                "notice": page.text("notice_verify_sent"),
                "links": ["logout": page.url("logout")],
            ], cookies: [cookie])
        }
    }

    /// What a refused sign-up shows, for the sign-up and the invitation page alike; nil for an error
    /// that is not the person's (the store failing), which the caller rethrows.
    static func signupRefusal(_ error: any Error, page: HostedPageRequest, connection: ConnectionConfig)
        -> (message: String, status: HTTPResponse.Status)?
    {
        switch error {
        case AccountFailure.passwordRejected(let problem):
            (page.text(problem.messageKey, ["min": String(connection.passwordPolicy.minLength)]), .badRequest)
        case AccountFailure.duplicate: (page.text("error_email_taken"), .conflict)
        case AccountFailure.deniedByHook(let denial):
            (denial.text(locale: page.locale) ?? page.text("error_hook_denied"), .forbidden)
        case is AccountFailure: (page.text("error_invalid_email"), .badRequest)
        case is PasswordHashingError: (page.text("error_busy"), .serviceUnavailable)
        default: nil
        }
    }
}

extension HostedPageRequest {
    /// Adds `Retry-After` to a page answering 503 (password hashing saturated).
    func retryLater(_ response: Response, _ status: HTTPResponse.Status) -> Response {
        var response = response
        if status == .serviceUnavailable { response.headers[.retryAfter] = "2" }
        return response
    }
}
