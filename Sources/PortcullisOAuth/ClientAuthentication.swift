import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto

/// Authenticates the client at the token, revocation and introspection endpoints
/// (RFC 6749 §2.3, OIDC Core §9): `client_secret_basic`, `client_secret_post`, `private_key_jwt`
/// (RFC 7523) or `none` for public clients. A client must use the method its configuration names.
public struct ClientAuthentication: Sendable {
    /// The credentials a request carries; the HTTP layer fills this in.
    public struct Credentials: Sendable {
        /// From `Authorization: Basic` (RFC 6749 §2.3.1: both parts form-urlencoded).
        public var basic: (clientID: String, secret: String)?
        public var parameters: OAuthParameters

        public init(authorizationHeader: String?, parameters: OAuthParameters) {
            self.parameters = parameters
            if let header = authorizationHeader, header.lowercased().hasPrefix("basic "),
               let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
               let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") {
                let (id, secret) = (text[..<colon], text[text.index(after: colon)...])
                basic = (FormEncoding.decode(id) ?? String(id), FormEncoding.decode(secret) ?? String(secret))
            }
        }
    }

    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    let tenant: Tenant
    let replayGuard: AssertionReplayGuard

    public init(tenant: Tenant, replayGuard: AssertionReplayGuard) {
        self.tenant = tenant
        self.replayGuard = replayGuard
    }

    /// The authenticated client, or `invalid_client` (401) with a reason for the log and developer.
    public func authenticate(_ credentials: Credentials, tokenEndpoint: String, now: Date) throws(OAuthError) -> Client {
        let parameters = credentials.parameters
        let assertion = try parameters.single("client_assertion")
        let postedSecret = try parameters.single("client_secret")
        let methodsUsed = [credentials.basic != nil, postedSecret != nil, assertion != nil].filter { $0 }.count
        // RFC 6749 §2.3: a client must not use more than one authentication method per request.
        guard methodsUsed <= 1 else { throw .invalidRequest("use only one client authentication method") }

        if let assertion {
            return try authenticateAssertion(assertion, type: parameters["client_assertion_type"],
                                             claimedID: parameters["client_id"], audience: tokenEndpoint, now: now)
        }
        let postedID = try parameters.single("client_id")
        let clientID = credentials.basic?.clientID ?? postedID
        guard let clientID, let client = tenant.clients[clientID] else {
            throw .invalidClient("unknown client or missing client authentication")
        }
        if let paramID = parameters["client_id"], paramID != client.id {
            throw .invalidRequest("client_id does not match the authenticated client")
        }
        let method = client.config.tokenEndpointAuthMethod
        switch method {
        case .none:
            guard credentials.basic == nil, postedSecret == nil else {
                throw .invalidClient("this client is public and must not send a secret")
            }
        case .clientSecretBasic, .clientSecretPost:
            let presented = method == .clientSecretBasic ? credentials.basic?.secret : postedSecret
            guard let presented else {
                throw .invalidClient("this client must authenticate with \(method.rawValue)")
            }
            guard let digest = client.secretDigest, ConstantTime.matches(presented, digest: digest) else {
                throw .invalidClient("client authentication failed")
            }
        case .privateKeyJWT:
            throw .invalidClient("this client must authenticate with private_key_jwt")
        }
        return client
    }

    /// RFC 7523 §3: `iss` = `sub` = client_id, `aud` names the token endpoint (or the issuer),
    /// unexpired, signed by a key from the client's configured JWK Set, `jti` not seen before.
    private func authenticateAssertion(_ assertion: String, type: String?, claimedID: String?, audience: String,
                                       now: Date) throws(OAuthError) -> Client {
        guard type == Self.assertionType else {
            throw .invalidClient("client_assertion_type must be \(Self.assertionType)")
        }
        guard let parts = JWS.parse(assertion),
              let claims = try? JSONDecoder().decode(JSONValue.self, from: parts.payload),
              let issuer = claims["iss"]?.stringValue, claims["sub"]?.stringValue == issuer,
              let client = tenant.clients[issuer]
        else { throw .invalidClient("the client assertion is not a valid JWT naming a known client") }
        if let claimedID, claimedID != client.id { throw .invalidClient("client_id does not match the client assertion") }
        guard client.config.tokenEndpointAuthMethod == .privateKeyJWT else {
            throw .invalidClient("this client is not configured for private_key_jwt")
        }
        let keys = ClientKeys.keys(of: client.config, keyID: parts.keyID)
        guard keys.contains(where: { parts.isSigned(by: $0) }) else {
            throw .invalidClient("the client assertion signature does not verify with the client's keys")
        }
        let audiences: [String] = switch claims["aud"] {
        case .string(let one)?: [one]
        case .array(let many)?: many.compactMap(\.stringValue)
        default: []
        }
        guard audiences.contains(audience) || audiences.contains(tenant.issuer.text) else {
            throw .invalidClient("the client assertion's aud must be the token endpoint URL")
        }
        guard case .int(let exp)? = claims["exp"], TimeInterval(exp) > now.timeIntervalSince1970,
              TimeInterval(exp) - now.timeIntervalSince1970 <= 3600 else {
            throw .invalidClient("the client assertion is expired or lives longer than an hour")
        }
        guard let jti = claims["jti"]?.stringValue, !jti.isEmpty else {
            throw .invalidClient("the client assertion needs a jti")
        }
        guard replayGuard.firstUse(key: tenant.id + "|" + client.id + "|" + jti, until: Date(timeIntervalSince1970: TimeInterval(exp)), now: now) else {
            throw .invalidClient("the client assertion was already used")
        }
        return client
    }
}

/// The verification keys in a client's configured JWK Set.
enum ClientKeys {
    static func keys(of client: ClientConfig, keyID: String?) -> [JWSVerificationKey] {
        guard case .array(let jwks)? = client.jwks?["keys"] else { return [] }
        return jwks.filter { keyID == nil || $0["kid"]?.stringValue == nil || $0["kid"]?.stringValue == keyID }
            .compactMap(JWSVerificationKey.init(jwk:))
    }
}
