import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisCore
import PortcullisSAML
import PortcullisUI

/// The SAML 2.0 IdP under each tenant's issuer, at Auth0's paths: metadata, single sign-on
/// (HTTP-Redirect and HTTP-POST) and single logout for each configured service provider.
struct SAMLEndpoints: Sendable {
    let services: ServerServices

    func register(on router: Router<PortcullisRequestContext>) {
        router.get("/samlp/metadata/:sp") { _, context in try metadata(context) }
        router.get("/samlp/:sp") { request, context in try await singleSignOn(request, context) }
        router.post("/samlp/:sp") { request, context in try await singleSignOn(request, context) }
        router.get("/samlp/:sp/logout") { request, context in try await singleLogout(request, context) }
        router.post("/samlp/:sp/logout") { request, context in try await singleLogout(request, context) }
    }

    /// The tenant and the service provider the path names.
    func provider(_ context: PortcullisRequestContext) throws -> (Tenant, SAMLServiceProvider) {
        let tenant = try context.requireTenant()
        guard let id = context.parameters.get("sp"), let provider = tenant.samlServiceProviders[id] else {
            throw HTTPError(.notFound, message: "no such SAML service provider")
        }
        return (tenant, provider)
    }

    static func ssoURL(_ tenant: Tenant, _ provider: SAMLServiceProvider) -> String {
        tenant.issuer.text + "/samlp/" + provider.id
    }

    static func sloURL(_ tenant: Tenant, _ provider: SAMLServiceProvider) -> String {
        ssoURL(tenant, provider) + "/logout"
    }

    /// The IdP's entity ID: the tenant's issuer, the same for every SP (one IdP per tenant).
    static func entityID(_ tenant: Tenant) -> String { tenant.issuer.text }

    func metadata(_ context: PortcullisRequestContext) throws -> Response {
        let (tenant, provider) = try provider(context)
        let xml = IdPMetadata.document(entityID: Self.entityID(tenant), ssoURL: Self.ssoURL(tenant, provider),
                                       sloURL: Self.sloURL(tenant, provider), provider: provider)
        return Response(status: .ok, headers: [.contentType: IdPMetadata.contentType, .cacheControl: TenantEndpoints.publicCache],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    /// What signs for this SP: its local key, or its HTTP signer.
    func producer(for provider: SAMLServiceProvider) -> any SignatureProducer {
        switch provider.signing.method {
        case .local(let signer): signer
        case .remote(let url, let token, let timeout): HTTPSignatureProducer(url: url.text, token: token, timeout: timeout)
        }
    }

    func errorPage(_ page: HostedPageRequest, reason: String, status: HTTPResponse.Status = .badRequest) async -> Response {
        await page.page(.error, values: ["message": page.text("error_authorize", ["reason": reason])], status: status)
    }

    /// The form fields of a POST-binding request (bounded like every form we read).
    static func formFields(_ request: Request) async -> [String: String]? {
        guard let buffer = try? await request.body.collect(upTo: SAMLBindingMessage.maxXMLBytes * 2) else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in FormEncoding.fields(String(buffer: buffer)) {
            guard let name, let value else { return nil }
            if fields[name] != nil { return nil }
            fields[name] = value
        }
        return fields
    }
}
