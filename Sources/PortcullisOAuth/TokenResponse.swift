/// A successful token endpoint answer (RFC 6749 §5.1, OIDC Core §3.1.3.3).
public struct TokenResponse: Encodable, Sendable, Equatable {
    public var accessToken: String
    public var tokenType = "Bearer"
    public var expiresIn: Int
    public var refreshToken: String?
    public var idToken: String?
    public var scope: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in"
        case refreshToken = "refresh_token", idToken = "id_token", scope
    }

    public init(accessToken: String, expiresIn: Int, refreshToken: String? = nil, idToken: String? = nil, scope: String?) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.scope = scope
    }
}
