import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PortcullisCore
import Testing

/// A management API client for in-process tests: gets a client-credentials token for one of the
/// example's management clients and sends JSON requests with it.
struct ManagementClient {
    static let audience = "http://localhost/acme/api/v2/"
    static let admin = ("acme-admin", "acme-admin-dev-secret")
    static let auditor = ("acme-auditor", "acme-auditor-dev-secret")

    let client: any TestClientProtocol
    var token: String?

    /// A client holding a token of `credentials` (default: acme-admin, every scope).
    static func signedIn(_ client: some TestClientProtocol, as credentials: (String, String) = admin,
                         audience: String = audience) async throws -> ManagementClient {
        let response = try await client.execute(
            uri: "/acme/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: Browser.form([("grant_type", "client_credentials"), ("client_id", credentials.0),
                                ("client_secret", credentials.1), ("audience", audience)]))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        let token = try #require(json["access_token"]?.stringValue, "no token: \(json)")
        return ManagementClient(client: client, token: token)
    }

    struct Reply {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var json: JSONValue
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json body: JSONValue? = nil, raw: String? = nil,
              contentType: String = "application/json", headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = contentType
            buffer = ByteBuffer(data: try JSONEncoder().encode(body))
        } else if let raw {
            headers[.contentType] = contentType
            buffer = ByteBuffer(string: raw)
        }
        let response = try await client.execute(uri: "/acme/api/v2" + path, method: method, headers: headers, body: buffer)
        let json = response.body.readableBytes == 0 ? .null
            : (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))) ?? .string(String(buffer: response.body))
        return Reply(status: response.status, headers: response.headers, json: json)
    }

    /// A user ID for a path, with the `|` percent-encoded as clients encode it.
    static func path(_ userID: String) -> String {
        "/users/" + (userID.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? userID)
    }

    static func query(_ value: String) -> String {
        FormEncoding.percentEncoded(value) ?? value
    }
}

/// Checks Auth0's error shape and returns the errorCode.
@discardableResult
func expectManagementError(_ reply: ManagementClient.Reply, _ status: Int, _ code: String? = nil,
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
    #expect(Int(reply.status.code) == status, "\(reply.json)", sourceLocation: sourceLocation)
    #expect(reply.json["statusCode"] == .int(status), "\(reply.json)", sourceLocation: sourceLocation)
    #expect(reply.json["error"]?.stringValue != nil, sourceLocation: sourceLocation)
    #expect(reply.json["message"]?.stringValue != nil, sourceLocation: sourceLocation)
    if let code { #expect(reply.json["errorCode"]?.stringValue == code, "\(reply.json)", sourceLocation: sourceLocation) }
    return reply.json["errorCode"]?.stringValue
}
