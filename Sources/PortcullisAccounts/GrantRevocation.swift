import Foundation
import PortcullisCore
import PortcullisStore

/// The one way grants end: a replayed code, a reused refresh token and RFC 7009 revocation all come
/// here. The store is updated first, then the observer (the resolver's token cache) forgets the
/// grant's access tokens.
public struct GrantRevocation: Sendable {
    let grants: any RefreshTokenStore
    let observer: any GrantRevocationObserver

    public init(grants: any RefreshTokenStore, observer: any GrantRevocationObserver = NoGrantRevocationObserver()) {
        self.grants = grants
        self.observer = observer
    }

    /// Revokes the family `grantID`; returns how many of its refresh tokens were still live.
    /// `events` are written with the revocation, when it revoked anything.
    @discardableResult
    public func revoke(tenantID: String, grantID: String, at now: Date, events: [DomainEvent] = []) async throws -> Int {
        // Told even when the store fails: forgetting a cached token is always safe.
        defer { observer.grantRevoked(tenantID: tenantID, grantID: grantID) }
        return try await grants.revokeRefreshTokenFamily(tenantID: tenantID, familyID: grantID, at: now, events: events)
    }
}
