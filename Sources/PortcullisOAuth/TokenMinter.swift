import Crypto
import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Mints the signed tokens of one tenant: RFC 9068 access tokens and OIDC ID tokens.
public struct TokenMinter: Sendable {
    /// ID tokens are for the client to read once at login; an hour is plenty and limits replay.
    public static let idTokenLifetime = 3600
    /// Access tokens for userinfo only (no resource server requested).
    public static let userinfoTokenLifetime = 3600

    public let tenant: Tenant
    public init(tenant: Tenant) { self.tenant = tenant }

    public var userinfoAudience: String { tenant.issuer.text + "/userinfo" }

    /// What an access token is for.
    public struct AccessTokenGrant: Sendable {
        public var subject: String
        public var client: ClientConfig
        public var resourceServer: ResourceServerConfig?
        public var scopes: [String]
        public var permissions: [String]?
        public var organizationID: String?
        public var sessionDigest: String?
        public var grantID: String?
        public var authTime: Date?

        public init(subject: String, client: ClientConfig, resourceServer: ResourceServerConfig?, scopes: [String],
                    permissions: [String]? = nil, organizationID: String? = nil, sessionDigest: String? = nil,
                    grantID: String? = nil, authTime: Date? = nil) {
            self.subject = subject
            self.client = client
            self.resourceServer = resourceServer
            self.scopes = scopes
            self.permissions = permissions
            self.organizationID = organizationID
            self.sessionDigest = sessionDigest
            self.grantID = grantID
            self.authTime = authTime
        }
    }

    /// Lifetime of an access token: the API's `token_lifetime`, or `token_lifetime_for_web` for
    /// browser-based clients (their tokens are easier to steal).
    public func accessTokenLifetime(client: ClientConfig, resourceServer: ResourceServerConfig?) -> Int {
        guard let resourceServer else { return Self.userinfoTokenLifetime }
        let lifetime = client.type == .spa ? resourceServer.tokenLifetimeForWeb : resourceServer.tokenLifetime
        return Int(lifetime.components.seconds)
    }

    /// - Parameter extraClaims: claims a hook added; they never replace the registered ones.
    public func accessToken(_ grant: AccessTokenGrant, extraClaims: [String: JSONValue] = [:], now: Date)
        throws(OAuthError) -> (token: String, expiresIn: Int)
    {
        let lifetime = accessTokenLifetime(client: grant.client, resourceServer: grant.resourceServer)
        var audiences: [String] = []
        if let resourceServer = grant.resourceServer { audiences.append(resourceServer.identifier.value) }
        if grant.scopes.contains("openid") || audiences.isEmpty { audiences.append(userinfoAudience) }
        let iat = Int(now.timeIntervalSince1970)
        let claims = AccessTokenClaims(
            iss: tenant.issuer.text, sub: grant.subject, aud: audiences, exp: iat + lifetime, iat: iat,
            jti: RandomToken.make(bytes: 16), clientID: grant.client.clientID.value,
            scope: grant.scopes.isEmpty ? nil : grant.scopes.joined(separator: " "),
            permissions: grant.permissions, orgID: grant.organizationID,
            sid: grant.sessionDigest.map(SessionID.make), grantID: grant.grantID,
            authTime: grant.authTime.map { Int($0.timeIntervalSince1970) })
        let key = try signingKey(algorithm: grant.resourceServer?.signingAlgorithm)
        do {
            var payload = try Self.encoder.encode(claims)
            if !extraClaims.isEmpty, case .object(var merged) = try JSONDecoder().decode(JSONValue.self, from: payload) {
                merged.merge(extraClaims) { registered, _ in registered }
                payload = try Self.encoder.encode(JSONValue.object(merged))
            }
            return (try JWS.sign(payload: payload, key: key, type: "at+jwt"), lifetime)
        } catch {
            throw OAuthError(.serverError, "the access token could not be signed")
        }
    }

    /// What an ID token says about the authentication.
    public struct IDTokenGrant: Sendable {
        public var user: User
        public var client: ClientConfig
        public var scopes: [String]
        public var nonce: String?
        public var authTime: Date
        public var amr: [String]
        public var sessionDigest: String?
        public var organizationID: String?
        public var accessToken: String?

        public init(user: User, client: ClientConfig, scopes: [String], nonce: String?, authTime: Date, amr: [String],
                    sessionDigest: String?, organizationID: String?, accessToken: String?) {
            self.user = user
            self.client = client
            self.scopes = scopes
            self.nonce = nonce
            self.authTime = authTime
            self.amr = amr
            self.sessionDigest = sessionDigest
            self.organizationID = organizationID
            self.accessToken = accessToken
        }
    }

    public func idToken(_ grant: IDTokenGrant, extraClaims: [String: JSONValue] = [:], now: Date) throws(OAuthError) -> String {
        let key = try signingKey(algorithm: grant.client.idTokenSigningAlgorithm ?? .rs256)
        let iat = Int(now.timeIntervalSince1970)
        var claims = UserClaims.claims(of: grant.user, scopes: grant.scopes)
        claims["iss"] = .string(tenant.issuer.text)
        claims["aud"] = .string(grant.client.clientID.value)
        claims["iat"] = .int(iat)
        claims["exp"] = .int(iat + Self.idTokenLifetime)
        claims["auth_time"] = .int(Int(grant.authTime.timeIntervalSince1970))
        if !grant.amr.isEmpty { claims["amr"] = .array(grant.amr.map(JSONValue.string)) }
        if let nonce = grant.nonce { claims["nonce"] = .string(nonce) }
        if let digest = grant.sessionDigest { claims["sid"] = .string(SessionID.make(sessionDigest: digest)) }
        if let organizationID = grant.organizationID { claims["org_id"] = .string(organizationID) }
        if let accessToken = grant.accessToken {
            claims["at_hash"] = .string(Self.leftHalfHash(accessToken, algorithm: key.algorithm))
        }
        claims.merge(extraClaims) { registered, _ in registered }
        do {
            return try JWS.sign(payload: try Self.encoder.encode(JSONValue.object(claims)), key: key, type: "JWT")
        } catch {
            throw OAuthError(.serverError, "the ID token could not be signed")
        }
    }

    /// The tenant's active key for `algorithm`; the first active key when the tenant has no active
    /// key of that algorithm (validation makes sure named algorithms have one; the RS256 default of
    /// ID tokens may not). Published keys never sign.
    public func signingKey(algorithm: SigningKeyConfig.Algorithm?) throws(OAuthError) -> SigningKey {
        let keys = tenant.activeKeys
        if let algorithm, let match = keys.first(where: { $0.algorithm == algorithm }) { return match }
        guard let active = keys.first else { throw OAuthError(.serverError, "the tenant has no signing key") }
        return active
    }

    /// `at_hash` (OIDC Core §3.1.3.6): the left half of the hash of the token's ASCII, base64url;
    /// SHA-256 for RS256/ES256, SHA-512 for EdDSA with Ed25519.
    static func leftHalfHash(_ token: String, algorithm: SigningKeyConfig.Algorithm) -> String {
        let digest: [UInt8] = algorithm == .eddsa
            ? Array(SHA512.hash(data: Data(token.utf8))) : Array(SHA256.hash(data: Data(token.utf8)))
        return Data(digest.prefix(digest.count / 2)).base64URLEncoded
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
