import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// The one way sessions end: the store records it (with its event, in the same transaction), then
/// the observer (the resolver's session cache) forgets the sessions, so the very next resolve asks
/// the store and finds them gone.
public struct SessionRevocation: Sendable {
    let sessions: any SessionStore
    let observer: any SessionInvalidationObserver

    public init(sessions: any SessionStore, observer: any SessionInvalidationObserver) {
        self.sessions = sessions
        self.observer = observer
    }

    /// Logout: revokes the session of a cookie token.
    @discardableResult
    public func revoke(tenantID: String, token: String, at: Date = Date(), events: [DomainEvent] = []) async throws -> Bool {
        try await revoke(tenantID: tenantID, digest: SecretDigest(of: token).hex, at: at, events: events)
    }

    /// A session known by its stored digest (64 hex characters), e.g. found from the cookie by
    /// another flow (RP-initiated logout).
    @discardableResult
    public func revoke(tenantID: String, digest: String, at: Date = Date(), events: [DomainEvent] = []) async throws -> Bool {
        defer { observer.sessionEnded(tenantID: tenantID, digest: digest) }
        return try await sessions.revokeSession(tenantID: tenantID, digest: digest, at: at, events: events)
    }

    /// Every session of a user: a password reset, "log out everywhere".
    @discardableResult
    public func revokeAll(tenantID: String, userID: String, at: Date = Date(), events: [DomainEvent] = []) async throws -> Int {
        defer { observer.userSessionsEnded(tenantID: tenantID, userID: userID) }
        return try await sessions.revokeAllSessions(tenantID: tenantID, userID: userID, at: at, events: events)
    }
}
