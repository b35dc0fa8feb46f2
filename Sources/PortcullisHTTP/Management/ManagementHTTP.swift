import Foundation
import Hummingbird
import Logging
import NIOCore
import PortcullisConfig
import PortcullisCore
import PortcullisManagement
import PortcullisStore

/// The HTTP edge of the management API: the bearer token, the query string and the body read
/// once, the operation run, its result or error written in Auth0's shape. Routes stay one line each.
enum ManagementHTTP {
    /// Everything an operation needs from the request.
    struct Call: Sendable {
        let tenant: Tenant
        let caller: ManagementCaller
        let query: QueryParameters
        let body: Data
        let event: EventRequestContext
        /// A path parameter, percent-decoded (`connection%7Cusr_…` → `connection|usr_…`).
        let parameters: [String: String]

        func parameter(_ name: String) -> String { parameters[name] ?? "" }
    }

    /// Authenticates, decodes and runs `operation`, with `parameters` the route's path parameters.
    static func run(_ request: Request, _ context: PortcullisRequestContext, parameters names: [String] = [],
                    tokens: ManagementTokenCache? = nil,
                    _ operation: @Sendable (Call) async throws -> ManagementResponse) async throws -> Response {
        let tenant = try context.requireTenant()
        do {
            let caller = try ManagementCaller.authenticate(authorization: request.headers[.authorization], tenant: tenant,
                                                           cache: tokens).get()
            let query = try queryParameters(request)
            let body = try await body(of: request, context: context)
            var parameters: [String: String] = [:]
            for name in names {
                guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding else {
                    throw ManagementError.notFound
                }
                parameters[name] = decoded
            }
            let call = Call(tenant: tenant, caller: caller, query: query, body: body,
                            event: context.eventRequest(for: request), parameters: parameters)
            let response = try await operation(call)
            guard let json = response.body else { return Response(status: .init(code: response.status)) }
            return JSONResponse.value(json, status: .init(code: response.status), headers: [.cacheControl: "no-store"])
        } catch let error as ManagementError {
            context.logger.info("management API request refused", metadata: [
                "status": "\(error.statusCode)", "error_code": .string(error.errorCode),
            ])
            return response(error)
        }
    }

    static func response(_ error: ManagementError) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if error.statusCode == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"management\"" }
        if error.statusCode == 503 { headers[.retryAfter] = "2" }
        return JSONResponse.value(error.body, status: .init(code: error.statusCode), headers: headers)
    }

    /// The query string, form-decoded (`+` is a space: Python's and browsers' clients encode so).
    static func queryParameters(_ request: Request) throws(ManagementError) -> QueryParameters {
        var values: [String: String] = [:]
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormEncoding.decode(parts[0]), let value = parts.count > 1 ? FormEncoding.decode(parts[1]) : ""
            else { throw .invalidQuery("the query string is not valid percent-encoded UTF-8") }
            values[name] = value
        }
        return QueryParameters(values)
    }

    /// The JSON body of a POST, PATCH or PUT, bounded by `server.max_body_size`.
    static func body(of request: Request, context: PortcullisRequestContext) async throws -> Data {
        guard [.post, .patch, .put, .delete].contains(request.method) else { return Data() }
        // Auth0's DELETEs of lists (role permissions, a user's roles) carry a JSON body; the
        // others carry none and send no Content-Type.
        if request.method == .delete, request.headers[.contentType] == nil { return Data() }
        // A POST that carries nothing (a retry) needs no Content-Type either.
        if request.headers[.contentType] == nil, request.headers[.transferEncoding] == nil,
           (request.headers[.contentLength] ?? "0") == "0" {
            return Data()
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw ManagementError(415, "Content-Type must be application/json", errorCode: "unsupported_media_type")
        }
        let limit = context.snapshot?.server.server.maxBodySize ?? 1 << 20
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw ManagementError.tooLarge
        }
    }
}
