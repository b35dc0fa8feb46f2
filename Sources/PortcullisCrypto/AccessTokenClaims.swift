import Foundation

/// The claims of a Portcullis access token: a JWT per RFC 9068 (`typ: at+jwt`).
///
/// `sub` is the user's ID, or `<client_id>@clients` for tokens a client got for itself
/// (`client_credentials`, as Auth0 writes it). `aud` is the resource server's identifier, plus
/// the issuer's userinfo URL when `openid` was granted.
public struct AccessTokenClaims: Codable, Sendable, Hashable {
    public var iss: String
    public var sub: String
    public var aud: [String]
    public var exp: Int
    public var iat: Int
    public var jti: String
    public var clientID: String
    /// Granted scopes, space-separated (RFC 9068 §2.2.3); absent when none.
    public var scope: String?
    /// `access_token_authz` dialect: the permissions granted for the audience.
    public var permissions: [String]?
    /// The organization the token was issued in.
    public var orgID: String?
    /// The login session behind the token (OIDC `sid`), when it came from one.
    public var sid: String?
    /// The grant (refresh token family) the token belongs to, so revoking the grant also makes
    /// introspection and userinfo refuse its access tokens.
    public var grantID: String?
    public var authTime: Int?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, jti, scope, permissions, sid
        case clientID = "client_id", orgID = "org_id", grantID = "gid", authTime = "auth_time"
    }

    public init(iss: String, sub: String, aud: [String], exp: Int, iat: Int, jti: String, clientID: String,
                scope: String?, permissions: [String]? = nil, orgID: String? = nil, sid: String? = nil,
                grantID: String? = nil, authTime: Int? = nil) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.exp = exp
        self.iat = iat
        self.jti = jti
        self.clientID = clientID
        self.scope = scope
        self.permissions = permissions
        self.orgID = orgID
        self.sid = sid
        self.grantID = grantID
        self.authTime = authTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        iss = try c.decode(String.self, forKey: .iss)
        sub = try c.decode(String.self, forKey: .sub)
        // RFC 7519 §4.1.3: a single audience may be a string.
        if let one = try? c.decode(String.self, forKey: .aud) { aud = [one] } else {
            aud = try c.decode([String].self, forKey: .aud)
        }
        exp = try c.decode(Int.self, forKey: .exp)
        iat = try c.decode(Int.self, forKey: .iat)
        jti = try c.decode(String.self, forKey: .jti)
        clientID = try c.decode(String.self, forKey: .clientID)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        permissions = try c.decodeIfPresent([String].self, forKey: .permissions)
        orgID = try c.decodeIfPresent(String.self, forKey: .orgID)
        sid = try c.decodeIfPresent(String.self, forKey: .sid)
        grantID = try c.decodeIfPresent(String.self, forKey: .grantID)
        authTime = try c.decodeIfPresent(Int.self, forKey: .authTime)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(iss, forKey: .iss)
        try c.encode(sub, forKey: .sub)
        if aud.count == 1 { try c.encode(aud[0], forKey: .aud) } else { try c.encode(aud, forKey: .aud) }
        try c.encode(exp, forKey: .exp)
        try c.encode(iat, forKey: .iat)
        try c.encode(jti, forKey: .jti)
        try c.encode(clientID, forKey: .clientID)
        try c.encodeIfPresent(scope, forKey: .scope)
        try c.encodeIfPresent(permissions, forKey: .permissions)
        try c.encodeIfPresent(orgID, forKey: .orgID)
        try c.encodeIfPresent(sid, forKey: .sid)
        try c.encodeIfPresent(grantID, forKey: .grantID)
        try c.encodeIfPresent(authTime, forKey: .authTime)
    }

    /// Granted scopes as a list.
    public var scopes: [String] { scope?.split(separator: " ").map(String.init) ?? [] }
    /// Whether the token was issued to a client for itself rather than for a user.
    public var isClientToken: Bool { sub.hasSuffix("@clients") }
    /// The store's user ID for user tokens: `sub` is the Auth0-style `connection|id`.
    public var userID: String? {
        guard !isClientToken, let bar = sub.firstIndex(of: "|") else { return nil }
        return String(sub[sub.index(after: bar)...])
    }
}
