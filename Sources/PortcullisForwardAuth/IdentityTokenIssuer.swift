import Foundation
import PortcullisCore
import PortcullisCrypto

/// Signs the identity token of `forward_auth.identity_token`: a short-lived JWT stating the
/// identity of an allowed request, for the upstream to verify against the tenant's JWKS instead of
/// trusting plain headers. Its `aud` is the protected application's origin, so a token one
/// application received cannot be replayed at another.
///
/// Signing is the costly part of a resolve, so tokens are reused from an ``IdentityTokenCache``
/// while more than half of their lifetime is left.
public struct IdentityTokenIssuer: Sendable {
    /// The JOSE `typ`: explicit typing (RFC 8725 §3.11), so that neither an ID token nor an access
    /// token of the tenant can pass for an identity token at an upstream that checks it.
    public static let type = "portcullis-identity+jwt"

    public let issuer: String
    public let key: SigningKey
    /// `exp` - `iat`, in whole seconds.
    public let lifetime: Int
    public let cache: IdentityTokenCache

    public init(issuer: String, key: SigningKey, lifetime: Int, cache: IdentityTokenCache = IdentityTokenCache()) {
        self.issuer = issuer
        self.key = key
        self.lifetime = lifetime
        self.cache = cache
    }

    /// The token for `identity` at the application `audience` (``OriginalRequest/origin``): a
    /// cached one while it has more than half of its lifetime left, else a newly signed one.
    public func token(for identity: ForwardAuthIdentity, audience: String, now: Date = Date()) throws -> String {
        let key = IdentityTokenCache.Key(audience: audience, identity: identity)
        if let token = cache.lookup(key, now: now) { return token }
        let iat = Int(now.timeIntervalSince1970)
        let token = try JWS.sign(payload: try Self.encoder.encode(claims(identity, audience: audience, iat: iat)),
                                 key: self.key, type: Self.type)
        cache.store(key, .init(token: token, renewAt: Date(timeIntervalSince1970: TimeInterval(iat))
            .addingTimeInterval(TimeInterval(lifetime) / 2)), now: now)
        return token
    }

    func claims(_ identity: ForwardAuthIdentity, audience: String, iat: Int) -> JSONValue {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "sub": .string(identity.userID), "aud": .string(audience),
            "iat": .int(iat), "exp": .int(iat + lifetime), "jti": .string(RandomToken.make(bytes: 16)),
            "email_verified": .bool(identity.emailVerified), "roles": .array(identity.roles.map(JSONValue.string)),
        ]
        if let email = identity.email { claims["email"] = .string(email) }
        if let name = identity.name, !name.isEmpty { claims["name"] = .string(name) }
        if let organization = identity.organizationID { claims["org_id"] = .string(organization) }
        if !identity.amr.isEmpty { claims["amr"] = .array(identity.amr.map(JSONValue.string)) }
        if let at = identity.authenticatedAt { claims["auth_time"] = .int(Int(at.timeIntervalSince1970)) }
        return .object(claims)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
