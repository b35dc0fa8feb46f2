import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisCore
import PortcullisUI

/// Routes of the hosted pages under `{issuer}/u/`.
enum HostedPages {
    static func register(on router: Router<PortcullisRequestContext>, services: ServerServices) {
        registerLogin(on: router, services: services)
        registerSignup(on: router, services: services)
        registerEmailLinks(on: router, services: services)
        registerInvitation(on: router, services: services)
        router.get("/u/assets/portcullis.css") { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: services.renderer.stylesheet)))
        }
        router.get("/u/login") { request, context in
            var page = try hostedPage(request, context, services)
            await page.adopt(organization: request.uri.queryParameters.get("organization"), logger: context.logger)
            // login_hint comes from an authorization request (OIDC Core §3.1.2.1): prefill, never trust.
            let hint = request.uri.queryParameters.get("login_hint").map { String($0.prefix(320)) } ?? ""
            return await page.page(.login, values: loginValues(page, username: hint, returnTo: request.uri.queryParameters.get("rd")))
        }
        router.get("/u/signup") { request, context in
            let page = try hostedPage(request, context, services)
            guard page.tenant.connections.signup != nil else {
                return await page.page(.error, values: ["message": page.text("error_signup_disabled")], status: .notFound)
            }
            return await page.page(.signup, values: signupValues(page))
        }
        router.get("/u/forgot-password") { request, context in
            let page = try hostedPage(request, context, services)
            return await page.page(.forgotPassword, values: ["action": page.url("forgot-password"),
                                                             "links": ["login": page.url("login")]])
        }
        router.get("/u/logout") { request, context in
            let page = try hostedPage(request, context, services)
            return await page.page(.logout, values: ["action": page.url("logout")])
        }
    }

    static func loginValues(_ page: HostedPageRequest, username: String, returnTo: String?, error: String? = nil)
        -> [String: Any]
    {
        var links: [String: Any] = ["forgot": page.url("forgot-password")]
        if page.tenant.connections.signup != nil { links["signup"] = page.url("signup") }
        var values: [String: Any] = ["action": page.url("login"), "username": username, "links": links]
        if let returnTo { values["transaction"] = returnTo }
        if let organization = page.organization { values["organization"] = organization.id }
        if let error { values["error"] = error }
        return values
    }

    static func signupValues(_ page: HostedPageRequest, email: String = "", name: String = "", error: String? = nil)
        -> [String: Any]
    {
        let minimum = page.tenant.connections.signup?.passwordPolicy.minLength ?? 10
        var values: [String: Any] = [
            "action": page.url("signup"), "email": email, "name": name, "links": ["login": page.url("login")],
            "policy": ["min_length": String(minimum), "description": page.text("password_rules", ["min": String(minimum)])],
        ]
        if let error { values["error"] = error }
        return values
    }
}
