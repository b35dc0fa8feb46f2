import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisOAuth
import PortcullisUI

/// Routes below a tenant's issuer. Paths here are relative to the issuer: `/.well-known/jwks.json`
/// is served at `{issuer}/.well-known/jwks.json`.
enum TenantEndpoints {
    /// Discovery and keys change only with configuration; caches may keep them briefly, and clients
    /// re-fetch the JWKS when they meet an unknown `kid` anyway.
    static let publicCache = "public, max-age=300"

    static func router(services: ServerServices) -> Router<PortcullisRequestContext> {
        let router = Router(context: PortcullisRequestContext.self)
        HostedPages.register(on: router, services: services)
        OAuthEndpoints(services: services).register(on: router)
        ManagementEndpoints(services: services).register(on: router)
        SAMLEndpoints(services: services).register(on: router)
        router.get("/.well-known/openid-configuration") { _, context in
            let tenant = try context.requireTenant()
            return JSONResponse.data(tenant.discoveryDocument, headers: [
                .cacheControl: publicCache, .accessControlAllowOrigin: "*",
            ])
        }
        router.get("/.well-known/jwks.json") { _, context in
            let tenant = try context.requireTenant()
            return JSONResponse.data(tenant.jwks.json, headers: [
                .cacheControl: publicCache, .accessControlAllowOrigin: "*",
            ])
        }
        return router
    }
}
