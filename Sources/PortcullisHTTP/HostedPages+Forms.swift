import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisCore
import PortcullisUI

/// Reading a submitted form: a bounded body and the CSRF check every form POST passes first.
extension HostedPageRequest {
    /// The form fields, or nil when the body is too large or not a form.
    static func form(of request: Request, limit: Int) async -> [String: String]? {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true,
              let buffer = try? await request.body.collect(upTo: limit)
        else { return nil }
        return FormBody.parse(String(buffer: buffer))
    }

    /// The submitted form after the checks every hosted form passes: a bounded form body (else 400)
    /// and a valid CSRF token (else 403). `.failure` carries the page to send instead.
    func checkedForm(_ context: PortcullisRequestContext) async -> Result<[String: String], ResponseBox> {
        let limit = context.snapshot?.server.server.maxBodySize ?? 1 << 20
        guard let form = await HostedPageRequest.form(of: request, limit: limit) else {
            return .failure(ResponseBox(await page(.error, values: ["message": text("error_csrf")], status: .badRequest)))
        }
        if let refused = await csrfFailure(form, logger: context.logger) { return .failure(ResponseBox(refused)) }
        return .success(form)
    }

    /// Checks the form's CSRF token; returns the 403 page to send when it fails.
    func csrfFailure(_ form: [String: String], logger: Logger) async -> Response? {
        do {
            try CSRFToken.verify(form: form[CSRFToken.formField], cookie: cookies[CSRFToken.cookieName(secure: secure)])
            return nil
        } catch {
            logger.notice("form refused: CSRF token \(error)")
            return await page(.error, values: ["message": text("error_csrf"), "links": ["login": url("login")]],
                              status: .forbidden)
        }
    }

    /// The session cookie for this tenant. With a cookie domain (forward auth across subdomains) it
    /// covers the whole domain; otherwise only the tenant's issuer path.
    func sessionCookie(value: String, maxAge: Int) -> SetCookie {
        let settings = tenant.config.session
        let prefix = tenant.pathPrefix
        return SetCookie(name: settings.cookieName, value: value,
                         path: settings.cookieDomain == nil && !prefix.isEmpty ? prefix : "/",
                         domain: settings.cookieDomain, maxAge: maxAge, secure: secure, sameSite: .lax)
    }

    func redirect(to location: String, cookies: [SetCookie] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
        return Response(status: .seeOther, headers: headers)
    }
}

/// A response as an `Error`, so a refused form can travel in a `Result`.
struct ResponseBox: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}

extension Logger {
    func notice(_ message: @autoclosure () -> Logger.Message) {
        log(level: .notice, message())
    }
}

import Logging
