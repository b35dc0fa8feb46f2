import Foundation

/// The headers the resolver answers with; their names are the tenant's prefix
/// (`forward_auth.header_prefix`, default `X-Portcullis-`) plus ``suffix``.
public enum IdentityHeader: Int, CaseIterable, Sendable {
    case userID, email, emailVerified, name, roles, organizationID, sessionAMR, authenticatedAt
    /// `true`/`false` in informational mode.
    case sessionValid
    /// On a 401: where to send the browser to log in.
    case loginURL
    /// Name of the rule that decided (`default` when none matched), for operators reading logs.
    case rule
    /// The signed identity token (`forward_auth.identity_token`), see ``IdentityTokenIssuer``.
    case identityToken

    public var suffix: String {
        switch self {
        case .userID: "User-Id"
        case .email: "Email"
        case .emailVerified: "Email-Verified"
        case .name: "Name"
        case .roles: "Roles"
        case .organizationID: "Org-Id"
        case .sessionAMR: "Session-Amr"
        case .authenticatedAt: "Authenticated-At"
        case .sessionValid: "Session-Valid"
        case .loginURL: "Login-Url"
        case .rule: "Rule"
        case .identityToken: "Identity-Token"
        }
    }

    /// The identity as header values. Values come from user records, so control characters are
    /// dropped: a name with a line break must never split a header.
    public static func values(for identity: ForwardAuthIdentity) -> [(header: IdentityHeader, value: String)] {
        var fields: [(header: IdentityHeader, value: String)] = []
        fields.reserveCapacity(8)
        fields.append((.userID, clean(identity.userID)))
        if let email = identity.email { fields.append((.email, clean(email))) }
        fields.append((.emailVerified, identity.emailVerified ? "true" : "false"))
        if let name = identity.name, !name.isEmpty { fields.append((.name, clean(name))) }
        fields.append((.roles, identity.roles.joined(separator: ",")))
        if let organization = identity.organizationID { fields.append((.organizationID, clean(organization))) }
        if !identity.amr.isEmpty { fields.append((.sessionAMR, clean(identity.amr.joined(separator: ",")))) }
        if let at = identity.authenticatedAt {
            fields.append((.authenticatedAt, String(Int64(at.timeIntervalSince1970))))
        }
        return fields
    }

    static func clean(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }))
    }
}
