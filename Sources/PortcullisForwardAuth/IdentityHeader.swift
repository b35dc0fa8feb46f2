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
    static func values(userID: String, email: String?, emailVerified: Bool, name: String?, roles: [String],
                       organizationID: String?, amr: [String], authenticatedAt: Date?)
        -> [(header: IdentityHeader, value: String)]
    {
        var fields: [(header: IdentityHeader, value: String)] = []
        fields.reserveCapacity(8)
        fields.append((.userID, clean(userID)))
        if let email { fields.append((.email, clean(email))) }
        fields.append((.emailVerified, emailVerified ? "true" : "false"))
        if let name, !name.isEmpty { fields.append((.name, clean(name))) }
        fields.append((.roles, roles.joined(separator: ",")))
        if let organizationID { fields.append((.organizationID, clean(organizationID))) }
        if !amr.isEmpty { fields.append((.sessionAMR, clean(amr.joined(separator: ",")))) }
        if let authenticatedAt {
            fields.append((.authenticatedAt, String(Int64(authenticatedAt.timeIntervalSince1970))))
        }
        return fields
    }

    static func clean(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }))
    }
}
