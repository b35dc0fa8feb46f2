/// An OAuth 2.0 / OpenID Connect error as a value (RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6).
///
/// Protocol code throws or returns these; only the HTTP layer turns one into a response: JSON with
/// `Cache-Control: no-store` at the token endpoint, a redirect with `error` at the authorization
/// endpoint. Descriptions are for developers: they never hold secrets, tokens or stored data.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unauthorizedClient = "unauthorized_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
        case accessDenied = "access_denied"
        case unsupportedResponseType = "unsupported_response_type"
        case serverError = "server_error"
        case temporarilyUnavailable = "temporarily_unavailable"
        case loginRequired = "login_required"
        case consentRequired = "consent_required"
        case interactionRequired = "interaction_required"
        case invalidRequestObject = "invalid_request_object"
        case requestNotSupported = "request_not_supported"
        case requestURINotSupported = "request_uri_not_supported"
        case registrationNotSupported = "registration_not_supported"
        case invalidToken = "invalid_token"
        case insufficientScope = "insufficient_scope"
        case unsupportedTokenType = "unsupported_token_type"
    }

    public var code: Code
    public var description: String
    /// The HTTP status for a direct (non-redirect) answer.
    public var status: Int

    public init(_ code: Code, _ description: String, status: Int? = nil) {
        self.code = code
        self.description = description
        self.status = status ?? OAuthError.defaultStatus(code)
    }

    private static func defaultStatus(_ code: Code) -> Int {
        switch code {
        case .invalidClient, .invalidToken: 401
        case .insufficientScope, .accessDenied: 403
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    public static func invalidRequest(_ text: String) -> OAuthError { .init(.invalidRequest, text) }
    public static func invalidGrant(_ text: String) -> OAuthError { .init(.invalidGrant, text) }
    public static func invalidClient(_ text: String) -> OAuthError { .init(.invalidClient, text) }
    public static func invalidScope(_ text: String) -> OAuthError { .init(.invalidScope, text) }
    public static func unauthorizedClient(_ text: String) -> OAuthError { .init(.unauthorizedClient, text) }
    public static func invalidToken(_ text: String) -> OAuthError { .init(.invalidToken, text) }
    /// The store failed; the cause is logged by the caller, the client learns only to retry.
    public static let unavailable = OAuthError(.temporarilyUnavailable, "the service is temporarily unavailable; retry later")
}
