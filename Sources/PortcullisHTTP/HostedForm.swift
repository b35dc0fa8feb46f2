import Foundation
import Hummingbird
import PortcullisConfig
import PortcullisCore
import PortcullisStore
import PortcullisUI

/// A hosted form POST after the steps every one of them takes first: the tenant pinned, the page
/// set up (locale, CSRF cookie), the body read within `server.max_body_size`, the CSRF token checked.
/// Handlers receive this and never repeat those steps.
struct HostedForm {
    let page: HostedPageRequest
    let fields: [String: String]
    /// The client's address (trusted proxies applied), for rate limits and events.
    let client: String?
    /// The request as events record it.
    let eventRequest: EventRequestContext

    var tenant: Tenant { page.tenant }
    var services: ServerServices { page.services }

    /// A field's value, or empty.
    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// Whether this client may do `action` again now, under the tenant's hosted-page rate limits.
    func allowed(_ action: String, _ limit: KeyPath<RateLimits, RateLimit>) -> Bool {
        services.rateLimiter.allow("\(action)|\(tenant.id)|\(client ?? "-")", rule: .init(tenant.connections.rateLimits[keyPath: limit]))
    }

    /// Reads and checks the form of `request`; `.failure` carries the refusal page (400 for a body
    /// that is not a bounded form, 403 for a bad CSRF token).
    static func read(_ request: Request, context: PortcullisRequestContext, services: ServerServices,
                     uiLocales: String? = nil) async throws -> Result<HostedForm, ResponseBox> {
        let page = HostedPageRequest(tenant: try context.requireTenant(), request: request, services: services,
                                     uiLocales: uiLocales)
        return await page.checkedForm(context).map { fields in
            HostedForm(page: page, fields: fields, client: context.clientAddress(for: request),
                       eventRequest: context.eventRequest(for: request))
        }
    }
}

extension HostedPages {
    /// `POST path` for a hosted form: runs ``HostedForm/read(_:context:services:uiLocales:)`` and
    /// answers its refusal, else calls `handle`. `before` may answer first, ahead of the CSRF
    /// check (a sign-up POST to a tenant without sign-up is a 404 whatever its token).
    static func postForm(_ path: RouterPath, on router: Router<PortcullisRequestContext>, services: ServerServices,
                         before: (@Sendable (HostedPageRequest) async -> Response?)? = nil,
                         _ handle: @escaping @Sendable (HostedForm, PortcullisRequestContext) async throws -> Response) {
        router.post(path) { request, context in
            if let before,
               let early = await before(HostedPageRequest(tenant: try context.requireTenant(), request: request,
                                                          services: services)) {
                return early
            }
            switch try await HostedForm.read(request, context: context, services: services) {
            case .success(let form): return try await handle(form, context)
            case .failure(let refusal): return refusal.response
            }
        }
    }

    /// The page set-up of a hosted GET.
    static func hostedPage(_ request: Request, _ context: PortcullisRequestContext, _ services: ServerServices) throws
        -> HostedPageRequest
    {
        HostedPageRequest(tenant: try context.requireTenant(), request: request, services: services)
    }
}

extension PortcullisRequestContext {
    /// The request as events record it: client address, user agent, request ID.
    func eventRequest(for request: Request) -> EventRequestContext {
        EventRequestContext(ip: clientAddress(for: request), userAgent: request.headers[.userAgent], requestID: requestID)
    }
}
