import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import PortcullisConfig
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisStore
import PortcullisUI

/// The top of request handling: pins one configuration snapshot, assigns the request id, serves the
/// operational endpoints, routes everything else to a tenant by Host and issuer path, and records
/// metrics for every response.
public struct PortcullisResponder: HTTPResponder {
    public typealias Context = PortcullisRequestContext

    let configStore: ConfigStore
    let operational: OperationalEndpoints
    let tenantResponder: RouterResponder<PortcullisRequestContext>
    let resolver: ResolverEndpoint

    public init(configStore: ConfigStore, services: ServerServices) {
        self.configStore = configStore
        self.operational = OperationalEndpoints(storage: services.storage)
        self.tenantResponder = TenantEndpoints.router(services: services).buildResponder()
        // Every session ending in this process goes through the same cache the resolver reads.
        self.resolver = ResolverEndpoint(storage: services.storage, cache: services.sessionCache)
    }

    public func respond(to request: Request, context: PortcullisRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        let snapshot = configStore.snapshot
        context.snapshot = snapshot
        context.requestID = RequestID.from(request.headers[.requestID])
        let path = request.uri.path
        let isOperational = OperationalEndpoints.paths.contains(path)
        // Routed before anything runs, so that every log line of the request names its tenant.
        let routed = isOperational ? nil
            : request.head.authority.flatMap { snapshot.route(host: $0, path: Substring(path)) }
        context.tenant = routed?.tenant
        let requestID = context.requestID
        let logValues = RequestLogMetadata.Values(requestID: requestID, tenant: routed?.tenant.id)
        return try await RequestLogMetadata.$current.withValue(logValues) {
            var route = "unmatched"
            var response: Response
            do {
                if isOperational {
                    route = path
                    response = await operational.respond(path: path, method: request.method, context: context)
                } else {
                    response = try await dispatch(request, routed: routed, context: context, route: &route)
                }
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
                if route == "unmatched" { route = "error" }
            } catch {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
                response = JSONResponse.error(.internalServerError, "server_error", "internal error")
            }
            response.headers.append(HTTPField(name: .requestID, value: requestID))
            record(request: request, response: response, route: route, since: start, logger: context.logger)
            return response
        }
    }

    private func dispatch(_ request: Request, routed: (tenant: Tenant, path: Substring)?,
                          context: PortcullisRequestContext, route: inout String) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init),
           length > (context.snapshot?.server.server.maxBodySize ?? 1 << 20) {
            // The management API answers in its own error shape, everything else in RFC 6749's.
            if let relative = routed?.path, relative.hasPrefix("/api/v2/") || relative == "/api/v2" {
                return ManagementHTTP.response(.tooLarge)
            }
            return JSONResponse.error(.contentTooLarge, "request_too_large", "request body exceeds server.max_body_size")
        }
        guard let (tenant, relativePath) = routed, let snapshot = context.snapshot else {
            return JSONResponse.error(.notFound, "not_found", "no tenant is served at this host and path")
        }
        if ResolverEndpoint.handles(relativePath) {
            // The hottest path: answered here, without rebuilding the request for the tenant router.
            route = "{issuer}/_resolver"
            return await resolver.respond(to: request, relativePath: relativePath, tenant: tenant, snapshot: snapshot,
                                          context: context)
        }
        var head = request.head
        var relative = String(relativePath)
        if let query = request.uri.query { relative += "?" + query }
        head.path = relative
        let response = try await tenantResponder.respond(to: Request(head: head, body: request.body), context: context)
        route = "{issuer}" + (context.endpointPath ?? "unmatched")
        return response
    }

    private func record(request: Request, response: Response, route: String, since start: ContinuousClock.Instant,
                        logger: Logger) {
        let elapsed = ContinuousClock.now - start
        RequestMetrics.shared.record(method: request.method.rawValue, route: route, status: Int(response.status.code),
                                     nanoseconds: elapsed.components.seconds * 1_000_000_000
                                         + elapsed.components.attoseconds / 1_000_000_000)
        if logger.logLevel <= .debug {
            let status = String(response.status.code)
            logger.debug("request", metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .string(status),
            ])
        }
    }
}


extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}
