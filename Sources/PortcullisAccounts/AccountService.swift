import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Changes to user accounts that more than one front end makes: the hosted pages, the CLI and the
/// management API call these, never the store directly, so each change has one implementation, one
/// transaction with its events, and tells the session cache.
public struct AccountService: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case noSuchUser
    }

    let storage: any PortcullisStorage
    let invalidation: any SessionInvalidationObserver
    let hashing: PasswordHashingPool
    let hooks: any AccountHooks

    public init(storage: any PortcullisStorage, invalidation: any SessionInvalidationObserver,
                hashing: PasswordHashingPool, hooks: any AccountHooks = NoAccountHooks()) {
        self.storage = storage
        self.invalidation = invalidation
        self.hashing = hashing
        self.hooks = hooks
    }

    /// Blocks or unblocks a user. Blocking revokes their sessions and refresh tokens in the same
    /// transaction (see ``UserStore/update(_:events:)``) and drops them from the resolver's cache
    /// before returning, so the next resolve in this process refuses them.
    ///
    /// - Returns: the stored user; unchanged (and no event) when it already had that state.
    /// - Throws: ``Failure/noSuchUser``; ``StoreError/conflict(_:)`` if the user changed under
    ///   three attempts in a row.
    @discardableResult
    public func setBlocked(_ blocked: Bool, tenantID: String, userID: String, by actor: EventParty,
                           request: EventRequestContext? = nil, now: Date = Date()) async throws -> User {
        // An edit of another field between the read and the write bumps the version: read again.
        var attempt = 0
        while true {
            attempt += 1
            guard var user = try await storage.user(tenantID: tenantID, id: userID) else { throw Failure.noSuchUser }
            guard user.blocked != blocked else { return user }
            let current = user
            user.blocked = blocked
            user.updatedAt = now
            if attempt == 1 { try await hooks.beforeUpdate(current, proposed: user, request: request) }
            let event = DomainEvent(blocked ? .userBlocked : .userUnblocked, tenantID: tenantID, subject: .user(userID),
                                    actor: actor, request: request, at: now)
            do {
                guard let stored = try await storage.update(user, events: [event]) else { throw Failure.noSuchUser }
                if blocked { invalidation.userSessionsEnded(tenantID: tenantID, userID: userID) }
                return stored
            } catch StoreError.conflict where attempt < 3 {
                continue
            }
        }
    }

    /// Deletes a user and everything that belongs to them, with their sessions dropped from the cache.
    ///
    /// - Returns: whether a user was deleted.
    @discardableResult
    public func delete(tenantID: String, userID: String, by actor: EventParty, request: EventRequestContext? = nil,
                       now: Date = Date()) async throws -> Bool {
        let existing = try await storage.user(tenantID: tenantID, id: userID)
        if let existing { try await hooks.beforeDeletion(existing, request: request) }
        let event = DomainEvent(.userDeleted, tenantID: tenantID, subject: .user(userID), actor: actor, request: request,
                                at: now)
        let deleted = try await storage.delete(tenantID: tenantID, id: userID, events: [event])
        if deleted {
            invalidation.userSessionsEnded(tenantID: tenantID, userID: userID)
            if let existing { await hooks.afterDeletion(existing, request: request) }
        }
        return deleted
    }
}
