import Foundation
import Hummingbird
import NIOCore
import PortcullisCore

/// Small helpers for JSON responses. Errors have the shape `{"error": code, "error_description": text}`
/// (RFC 6749 §5.2 style) so every endpoint fails the same way.
enum JSONResponse {
    static func data(_ data: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func value(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        data(value.compactData, status: status, headers: headers)
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ description: String) -> Response {
        value(["error": .string(code), "error_description": .string(description)], status: status,
              headers: [.cacheControl: "no-store"])
    }
}
