import Foundation

/// An OAuth 2.0 authorization code (RFC 6749 §4.1) waiting to be exchanged at the token endpoint.
///
/// The redirect carries a random code; the store keeps only its SHA-256 digest. Everything the
/// token endpoint needs to mint tokens later is captured here at authorization time, so a config
/// reload or a logout between the two steps cannot change what the code grants.
public struct AuthorizationCode: Sendable, Hashable {
    /// SHA-256 of the code, as 64 lowercase hex characters; the code's key.
    public var digest: String
    public var tenantID: String
    public var clientID: String
    public var userID: String
    /// The `redirect_uri` of the authorization request; the token request must repeat it exactly.
    public var redirectURI: String
    /// Scopes granted (after policy checks), in request order.
    public var scopes: [String]
    /// The resource server (`audience`) the access token is for, if one was requested.
    public var audience: String?
    /// The organization the user logged in to (`org_id`), if any.
    public var organizationID: String?
    public var nonce: String?
    /// PKCE (RFC 7636): the challenge and its method (`S256` or `plain`), if the request had one.
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    /// The digest of the login session the code came from (for `sid`, and to end tokens at logout).
    public var sessionDigest: String?
    /// OIDC `auth_time` and `amr` of the authentication behind the code.
    public var authTime: Date
    public var amr: [String]
    /// Every token minted from this code carries this grant ID (the refresh token's family), so a
    /// replayed code can revoke what the first exchange issued (RFC 6749 §4.1.2).
    public var grantID: String
    public var createdAt: Date
    public var expiresAt: Date
    /// When the code was exchanged; a used code is never accepted again.
    public var usedAt: Date?
    /// The claims the `post_login` hooks added at the login, as a JSON object
    /// (`{"id_token": {…}, "access_token": {…}}`), for the token endpoint to mint with.
    public var hookClaimsJSON: String?

    public init(
        digest: String, tenantID: String, clientID: String, userID: String, redirectURI: String,
        scopes: [String], audience: String? = nil, organizationID: String? = nil, nonce: String? = nil,
        codeChallenge: String? = nil, codeChallengeMethod: String? = nil, sessionDigest: String? = nil,
        authTime: Date, amr: [String], grantID: String = AuthorizationCode.makeGrantID(),
        createdAt: Date, expiresAt: Date, usedAt: Date? = nil, hookClaimsJSON: String? = nil
    ) {
        self.hookClaimsJSON = hookClaimsJSON
        self.digest = digest
        self.tenantID = tenantID
        self.clientID = clientID
        self.userID = userID
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.audience = audience
        self.organizationID = organizationID
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.sessionDigest = sessionDigest
        self.authTime = authTime
        self.amr = amr
        self.grantID = grantID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }

    /// A new grant ID: `grt_` and 24 random URL-safe characters.
    public static func makeGrantID() -> String { RandomID.make(prefix: "grt_") }
}

/// What happened when a code was presented at the token endpoint.
public enum AuthorizationCodeRedemption: Sendable, Hashable {
    /// First use: the code is now spent and is returned with `usedAt` set.
    case redeemed(AuthorizationCode)
    /// The code was already spent: a replay. The caller must refuse it and revoke the tokens of
    /// ``AuthorizationCode/grantID``.
    case replayed(AuthorizationCode)
    /// Unknown in this tenant, or expired.
    case invalid
}
