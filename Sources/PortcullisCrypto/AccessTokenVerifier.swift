import Foundation

/// Checks access tokens a tenant issued: signature by one of the tenant's keys, `typ: at+jwt`,
/// issuer and lifetime (RFC 9068 §4). Which audience a caller accepts is the caller's decision.
/// Build one per configuration snapshot; it is immutable and cheap to share.
public struct AccessTokenVerifier: Sendable {
    public enum Rejection: Error, Sendable, Equatable {
        /// Not a compact JWS, or not an access token (wrong `typ`, claims missing).
        case malformed
        /// No key of the tenant has the `kid`, or the signature does not verify.
        case badSignature
        case wrongIssuer
        case expired
    }

    public let issuer: String
    private let keys: [String: JWSVerificationKey]

    public init(issuer: String, keys: [SigningKey]) {
        self.issuer = issuer
        self.keys = Dictionary(keys.map { ($0.kid, $0.verificationKey) }, uniquingKeysWith: { first, _ in first })
    }

    public func verify(_ token: some StringProtocol, now: Date = Date()) -> Result<AccessTokenClaims, Rejection> {
        guard let parts = JWS.parse(token) else { return .failure(.malformed) }
        // RFC 9068 §4: the typ must be at+jwt (an ID token must never pass as an access token).
        guard let type = parts.type?.lowercased(), type == "at+jwt" || type == "application/at+jwt" else {
            return .failure(.malformed)
        }
        guard let kid = parts.keyID, let key = keys[kid], parts.isSigned(by: key) else { return .failure(.badSignature) }
        guard let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: parts.payload) else {
            return .failure(.malformed)
        }
        guard claims.iss == issuer else { return .failure(.wrongIssuer) }
        guard TimeInterval(claims.exp) > now.timeIntervalSince1970 else { return .failure(.expired) }
        return .success(claims)
    }
}
