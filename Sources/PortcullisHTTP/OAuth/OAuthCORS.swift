import HTTPTypes
import Hummingbird
import PortcullisConfig

/// CORS for the endpoints single-page apps call from the browser (token, userinfo, revoke): an
/// origin is allowed when a client of the tenant lists it in `allowed_web_origins`.
enum OAuthCORS {
    static func allowedOrigin(_ request: Request, tenant: Tenant, client: Client? = nil) -> String? {
        guard let origin = request.headers[.origin] else { return nil }
        let clients = client.map { [$0] } ?? Array(tenant.clients.values)
        let allowed = clients.contains { client in
            client.config.allowedWebOrigins.contains { $0.value.text == origin || $0.value.text == origin + "/" }
        }
        return allowed ? origin : nil
    }

    static func headers(_ request: Request, tenant: Tenant, client: Client? = nil) -> HTTPFields {
        guard let origin = allowedOrigin(request, tenant: tenant, client: client) else { return [:] }
        return [.accessControlAllowOrigin: origin, .vary: "Origin"]
    }

    /// The answer to a preflight `OPTIONS` request.
    static func preflight(_ request: Request, tenant: Tenant) -> Response {
        guard let origin = allowedOrigin(request, tenant: tenant) else { return Response(status: .noContent) }
        return Response(status: .noContent, headers: [
            .accessControlAllowOrigin: origin, .vary: "Origin",
            .accessControlAllowMethods: "GET, POST, OPTIONS",
            .accessControlAllowHeaders: "Authorization, Content-Type, Auth0-Client",
            .accessControlMaxAge: "600",
        ])
    }
}
