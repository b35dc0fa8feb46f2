import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortcullisConfig
import PortcullisCore
import PortcullisOAuth

/// The wire side of the OAuth endpoints: reading parameters, writing JSON and errors.
enum OAuthHTTP {
    /// Token, revocation and introspection bodies are a few hundred bytes; 64 KiB leaves room for
    /// large client assertions and still bounds what one request can make us parse.
    static let bodyLimit = 64 * 1024

    /// Parameters from the query (GET) or a form / JSON body (POST). `nil` when the body is too
    /// large or of an unsupported type.
    static func parameters(_ request: Request) async -> OAuthParameters? {
        if request.method == .get || request.method == .head {
            return OAuthParameters(formEncoded: request.uri.query ?? "")
        }
        guard let buffer = try? await request.body.collect(upTo: bodyLimit) else { return nil }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") {
            return OAuthParameters(json: Data(buffer: buffer))
        }
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        return OAuthParameters(formEncoded: String(buffer: buffer))
    }

    static let noStore: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]

    static func json(_ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = noStore
        fields.append(contentsOf: headers)
        return JSONResponse.data((try? encoder.encode(value)) ?? Data("{}".utf8), headers: fields)
    }

    /// RFC 6749 §5.2: JSON, `no-store`; `invalid_client` is 401 with `WWW-Authenticate: Basic`.
    static func error(_ error: OAuthError, tenant: Tenant, headers: HTTPFields = [:]) -> Response {
        var fields = noStore
        fields.append(contentsOf: headers)
        if error.code == .invalidClient {
            fields[.wwwAuthenticate] = "Basic realm=\"\(tenant.issuer.text)\", charset=\"UTF-8\""
        }
        let body: JSONValue = ["error": .string(error.code.rawValue), "error_description": .string(error.description)]
        return JSONResponse.value(body, status: HTTPResponse.Status(code: error.status), headers: fields)
    }

    /// RFC 6750 §3: errors of a protected resource (userinfo) go in `WWW-Authenticate: Bearer`.
    static func bearerError(_ error: OAuthError?, tenant: Tenant, headers: HTTPFields = [:]) -> Response {
        var challenge = "Bearer realm=\"\(tenant.issuer.text)\""
        var status = HTTPResponse.Status.unauthorized
        var fields = noStore
        fields.append(contentsOf: headers)
        if let error {
            let description = error.description.replacingOccurrences(of: "\"", with: "'")
            challenge += ", error=\"\(error.code.rawValue)\", error_description=\"\(description)\""
            status = HTTPResponse.Status(code: error.status)
            fields[.wwwAuthenticate] = challenge
            let body: JSONValue = ["error": .string(error.code.rawValue), "error_description": .string(error.description)]
            return JSONResponse.value(body, status: status, headers: fields)
        }
        fields[.wwwAuthenticate] = challenge
        return Response(status: status, headers: fields)
    }

    /// The Bearer token of `Authorization`, if any (RFC 6750 §2.1).
    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.count > 7,
              header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
}
