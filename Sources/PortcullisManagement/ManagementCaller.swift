import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Who calls the management API: a client (or a user) holding an access token for this tenant's
/// `{issuer}/api/v2/` audience, with the scopes it was granted.
public struct ManagementCaller: Sendable, Hashable {
    public var clientID: String
    /// `<client_id>@clients` for a client's own token, else the user's ID.
    public var subject: String
    public var scopes: Set<String>

    /// The actor the audit events name.
    public var actor: EventParty {
        subject.hasSuffix("@clients") ? .client(clientID) : .user(Self.userID(fromSubject: subject))
    }

    /// Checks the `Authorization: Bearer` header against the tenant: a token of another tenant
    /// fails on its issuer and keys, a token for another API on its audience.
    public static func authenticate(authorization: String?, tenant: Tenant, cache: ManagementTokenCache? = nil,
                                    now: Date = Date()) -> Result<ManagementCaller, ManagementError> {
        guard let authorization, !authorization.isEmpty else { return .failure(.missingToken) }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].utf8.count <= 8192 else {
            return .failure(.invalidToken)
        }
        let token = parts[1]
        if let cached = cache?.caller(for: token, tenant: tenant, now: now) { return .success(cached) }
        guard case .success(let claims) = tenant.accessTokenVerifier.verify(token, now: now) else {
            return .failure(.invalidToken)
        }
        guard claims.aud.contains(ManagementAPIConfig.identifier(issuer: tenant.issuer)) else {
            return .failure(.invalidToken)
        }
        let scopes = Set((claims.scope ?? "").split(separator: " ").map(String.init))
        let caller = ManagementCaller(clientID: claims.clientID, subject: claims.sub, scopes: scopes)
        if claims.grantID == nil {
            cache?.remember(caller, for: token, tenant: tenant, expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.exp)))
        }
        return .success(caller)
    }

    /// Throws 403 unless the caller holds at least one of `scopes`.
    public func require(anyOf scopes: String...) throws(ManagementError) {
        guard scopes.contains(where: self.scopes.contains) else { throw .insufficientScope(scopes) }
    }

    public func holds(_ scope: String) -> Bool { scopes.contains(scope) }

    /// A user token's `sub` is `connection|id`; events name the store's id.
    static func userID(fromSubject subject: String) -> String {
        subject.split(separator: "|", maxSplits: 1).last.map(String.init) ?? subject
    }
}
