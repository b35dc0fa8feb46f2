import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto

/// Reads an `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token this tenant
/// issued, possibly expired (an expired hint is still a valid hint).
public enum IDTokenHint {
    public struct Claims: Sendable {
        public var subject: String
        public var audiences: [String]
        public var sessionID: String?
    }

    public static func claims(of token: String, tenant: Tenant) -> Claims? {
        guard let parts = JWS.parse(token), parts.type == nil || parts.type == "JWT",
              let kid = parts.keyID, let key = tenant.signingKeys.first(where: { $0.kid == kid }),
              parts.isSigned(by: key.verificationKey),
              case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: parts.payload),
              claims["iss"]?.stringValue == tenant.issuer.text, let subject = claims["sub"]?.stringValue
        else { return nil }
        let audiences: [String] = switch claims["aud"] {
        case .string(let one)?: [one]
        case .array(let many)?: many.compactMap(\.stringValue)
        default: []
        }
        return Claims(subject: subject, audiences: audiences, sessionID: claims["sid"]?.stringValue)
    }

    public static func subject(of token: String, tenant: Tenant) -> String? {
        claims(of: token, tenant: tenant)?.subject
    }
}
