import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisStore
import PortcullisUI
import Logging

/// Shared steps of every hosted page: locale, CSRF cookie, frame, security headers.
struct HostedPageRequest {
    let tenant: Tenant
    let request: Request
    let services: ServerServices
    let cookies: [String: String]
    let locale: String
    let nonce = SecurityHeaders.nonce()
    /// The CSRF token of this browser: kept from its cookie while still valid, else a new one.
    let csrfToken: String
    let csrfIsNew: Bool
    /// The organization the login runs in (`organization` on /authorize): its name and branding
    /// replace the tenant's on the page.
    private(set) var organization: Organization?

    init(tenant: Tenant, request: Request, services: ServerServices, uiLocales: String? = nil) {
        self.tenant = tenant
        self.request = request
        self.services = services
        cookies = Cookies.parse(request.headers[.cookie])
        locale = services.renderer.catalog.negotiate(
            uiLocales: uiLocales ?? request.uri.queryParameters.get("ui_locales"),
            acceptLanguage: request.headers[.acceptLanguage])
        let existing = cookies[CSRFToken.cookieName(secure: tenant.issuer.isHTTPS)]
        if let existing, (try? CSRFToken.verify(form: existing, cookie: existing)) != nil {
            csrfToken = existing
            csrfIsNew = false
        } else {
            csrfToken = CSRFToken.make()
            csrfIsNew = true
        }
    }

    var secure: Bool { tenant.issuer.isHTTPS }
    /// `/acme/u`: the path below which the hosted pages live.
    var basePath: String { tenant.pathPrefix + "/u" }

    func url(_ page: String) -> String { basePath + "/" + page }

    /// Absolute URL of the hosted pages, for links in emails.
    var absolutePagesURL: String { tenant.issuer.text + "/u" }

    /// Queues an account email; a failure to queue is logged, never shown (the page must not reveal
    /// whether an address exists, nor hang on mail).
    func sendMail(_ kind: AccountMail.Kind, to user: User, logger: Logger) async {
        guard let mail = services.mail else {
            logger.warning("account email not sent: email.transport is disabled")
            return
        }
        do {
            try await mail.send(kind, to: user, tenantName: tenant.config.displayName, pagesURL: absolutePagesURL,
                                locale: locale)
        } catch {
            logger.error("account email could not be queued", metadata: ["error": "\(error)"])
        }
    }

    var frame: PageFrame {
        let branding = tenant.config.branding
        let own = organization?.branding ?? OrganizationBranding()
        return PageFrame(tenantName: organization.map { $0.displayName ?? $0.name } ?? tenant.config.displayName,
                         logoURL: own.logoURL ?? branding.logoURL?.text,
                         primaryColor: own.primaryColor ?? branding.primaryColor?.value,
                         pageBackground: own.pageBackground ?? branding.pageBackground?.value,
                         locale: locale, nonce: nonce, csrfToken: csrfToken, assetsPath: basePath + "/assets")
    }

    /// Shows the page in the organization named by id or name, when the tenant has it. An unknown
    /// one changes nothing: the authorization request answers for it, the page only looks.
    mutating func adopt(organization wanted: String?, logger: Logger) async {
        guard let wanted, !wanted.isEmpty, wanted.utf8.count <= 100 else { return }
        do {
            organization = try await services.storage.organization(tenantID: tenant.id, idOrName: wanted)
        } catch {
            logger.warning("organization branding not loaded: store unavailable", metadata: ["error": "\(error)"])
        }
    }

    func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        services.renderer.catalog.text(key, locale: locale, arguments)
    }

    /// Renders a page into a response with the security headers and, when needed, the CSRF cookie.
    func page(_ page: Page, values: [String: Any], status: HTTPResponse.Status = .ok, cookies extra: [SetCookie] = [])
        async -> Response
    {
        let html = await services.renderer.render(page, frame: frame, values: values,
                                            overrideDirectory: tenant.config.branding.templateDirectory)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        for (name, value) in SecurityHeaders.headers(nonce: nonce) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        var setCookies = extra
        if csrfIsNew {
            // The tenant's whole path, not just /u: the consent form posts to {issuer}/authorize/consent
            // and the logout confirmation to {issuer}/oidc/logout. Over https the __Host- prefix
            // requires Path=/.
            let path = secure || tenant.pathPrefix.isEmpty ? "/" : tenant.pathPrefix
            setCookies.append(SetCookie(name: CSRFToken.cookieName(secure: secure), value: csrfToken,
                                        path: path, maxAge: Int(CSRFToken.lifetime), secure: secure, sameSite: .strict))
        }
        for cookie in setCookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
