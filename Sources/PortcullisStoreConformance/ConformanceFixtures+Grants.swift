import Foundation
import PortcullisStore

/// Values the authorization code, refresh token, organization and role cases share. Dates are
/// whole seconds after ``ConformanceFixtures/baseDate``, so values read back compare with `==`.
extension ConformanceFixtures {
    /// An unused code of `user` for `acme-web`, created at the base date, valid for a minute.
    static func authorizationCode(of user: User, digest: String = digest()) -> AuthorizationCode {
        AuthorizationCode(
            digest: digest, tenantID: user.tenantID, clientID: "acme-web", userID: user.id,
            redirectURI: "https://app.acme.test/callback", scopes: ["openid", "profile", "offline_access"],
            authTime: date(plusSeconds: -30), amr: ["pwd"], createdAt: baseDate, expiresAt: date(plusSeconds: 60))
    }

    /// An active token of `user` in `family`, created at the base date, idle for an hour, ending
    /// after a day.
    static func refreshToken(of user: User, family: String = "grt_conformance", digest: String = digest()) -> RefreshToken {
        RefreshToken(
            digest: digest, tenantID: user.tenantID, clientID: "acme-web", userID: user.id, familyID: family,
            scopes: ["openid", "offline_access"], authTime: date(plusSeconds: -30), amr: ["pwd"], createdAt: baseDate,
            expiresAt: date(plusSeconds: 3600), absoluteExpiresAt: date(plusSeconds: 86_400))
    }

    /// The token that replaces `token` at `seconds` after the base date: same client, user and
    /// family, idle for another hour.
    static func successor(of token: RefreshToken, atSeconds seconds: Int) -> RefreshToken {
        var next = token
        next.digest = digest()
        next.createdAt = date(plusSeconds: seconds)
        next.expiresAt = date(plusSeconds: seconds + 3600)
        next.usedAt = nil
        next.revokedAt = nil
        return next
    }

    /// Creates an organization in `store` and returns it.
    static func createdOrganization(
        in store: any PortcullisStorage, tenant: String = "acme", name: String = "acme-corp"
    ) async throws -> Organization {
        let organization = Organization(tenantID: tenant, name: name, displayName: "Acme Corp", createdAt: baseDate)
        try await store.createOrganization(organization)
        return organization
    }

    /// Blocks `user` at `seconds` after the base date and returns the stored user.
    static func block(_ user: User, in store: any PortcullisStorage, atSeconds seconds: Int) async throws -> User? {
        var blocked = try await store.user(tenantID: user.tenantID, id: user.id) ?? user
        blocked.blocked = true
        blocked.updatedAt = date(plusSeconds: seconds)
        return try await store.update(blocked)
    }
}
