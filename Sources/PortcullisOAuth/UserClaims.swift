import Foundation
import PortcullisCore
import PortcullisStore

/// The standard claims (OIDC Core §5.1) a user's scopes release, for ID tokens and userinfo.
public enum UserClaims {
    /// Claims of the `profile` and `email` scopes, plus `sub`.
    public static func claims(of user: User, scopes: [String]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = ["sub": .string(user.externalID)]
        if scopes.contains("profile") {
            claims["name"] = .string(user.name ?? user.email)
            claims["nickname"] = .string(user.username ?? String(user.email.prefix { $0 != "@" }))
            if let given = user.givenName { claims["given_name"] = .string(given) }
            if let family = user.familyName { claims["family_name"] = .string(family) }
            if let picture = user.picture { claims["picture"] = .string(picture) }
            if let username = user.username { claims["preferred_username"] = .string(username) }
            claims["updated_at"] = .int(Int(user.updatedAt.timeIntervalSince1970))
        }
        if scopes.contains("email") {
            claims["email"] = .string(user.email)
            claims["email_verified"] = .bool(user.emailVerified)
        }
        return claims
    }
}
