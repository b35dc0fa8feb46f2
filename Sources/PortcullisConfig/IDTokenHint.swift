import Foundation
import PortcullisCore
import PortcullisCrypto

/// Reads an ID token this tenant issued: an `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated
/// Logout §2), possibly expired (an expired hint is still a valid hint), or the management API's
/// `link_with`, which must not be.
public enum IDTokenHint {
    public struct Claims: Sendable {
        public var subject: String
        public var audiences: [String]
        public var sessionID: String?
        /// `exp`; a hint may be expired, other uses (account linking) must check it.
        public var expiresAt: Date?
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
        var expiresAt: Date?
        switch claims["exp"] {
        case .int(let seconds)?: expiresAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        case .double(let seconds)?: expiresAt = Date(timeIntervalSince1970: seconds)
        default: break
        }
        return Claims(subject: subject, audiences: audiences, sessionID: claims["sid"]?.stringValue, expiresAt: expiresAt)
    }

    public static func subject(of token: String, tenant: Tenant) -> String? {
        claims(of: token, tenant: tenant)?.subject
    }
}
