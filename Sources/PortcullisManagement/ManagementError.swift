import PortcullisCore

/// An error of the management API in Auth0's shape: `{"statusCode", "error", "message", "errorCode"}`.
/// `error` is the HTTP reason phrase; `errorCode` a stable machine-readable code (Auth0's where it
/// has one). Messages name the offending field or parameter, never a stored value.
public struct ManagementError: Error, Sendable, Hashable {
    public var statusCode: Int
    public var message: String
    public var errorCode: String

    public init(_ statusCode: Int, _ message: String, errorCode: String) {
        self.statusCode = statusCode
        self.message = message
        self.errorCode = errorCode
    }

    /// The HTTP reason phrase, as Auth0 puts it in `error`.
    public var error: String {
        switch statusCode {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 503: "Service Unavailable"
        default: "Internal Server Error"
        }
    }

    public var body: JSONValue {
        ["statusCode": .int(statusCode), "error": .string(error), "message": .string(message),
         "errorCode": .string(errorCode)]
    }

    // The errors more than one route gives.

    public static func invalidBody(_ message: String) -> ManagementError {
        ManagementError(400, "Payload validation error: " + message, errorCode: "invalid_body")
    }

    public static func invalidQuery(_ message: String) -> ManagementError {
        ManagementError(400, "Query validation error: " + message, errorCode: "invalid_query_string")
    }

    public static func insufficientScope(_ scopes: [String]) -> ManagementError {
        ManagementError(403, "Insufficient scope, expected any of: " + scopes.joined(separator: ","),
                        errorCode: "insufficient_scope")
    }

    public static let missingToken = ManagementError(401, "Missing authentication", errorCode: "missing_authentication")
    public static let invalidToken = ManagementError(401, "Invalid token", errorCode: "invalid_token")
    public static let noSuchUser = ManagementError(404, "The user does not exist.", errorCode: "inexistent_user")
    public static let notFound = ManagementError(404, "Not Found", errorCode: "not_found")
    public static let tooLarge = ManagementError(413, "Payload too large: the body exceeds server.max_body_size",
                                                 errorCode: "payload_too_large")
    public static let busy = ManagementError(503, "The server is busy hashing passwords; retry shortly",
                                             errorCode: "temporarily_unavailable")
}
