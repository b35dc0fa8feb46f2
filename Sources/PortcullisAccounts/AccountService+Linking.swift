import Foundation
import PortcullisCore
import PortcullisStore

extension AccountService {
    /// Links `secondaryID` into `primaryID` (Auth0's account linking): logging in through the
    /// secondary's connection then signs in as the primary. The secondary's sessions and refresh
    /// tokens end in the same transaction, and the resolver's cache drops them.
    ///
    /// - Throws: ``AccountFailure/cannotLink(_:)`` naming the rule the pair breaks.
    public func link(tenantID: String, secondaryID: String, to primaryID: String, by actor: EventParty,
                     request: EventRequestContext? = nil, now: Date = Date()) async throws {
        let event = DomainEvent(.identityLinked, tenantID: tenantID, subject: .user(secondaryID), actor: actor,
                                request: request, at: now, details: ["primary": primaryID])
        do {
            try await storage.link(tenantID: tenantID, secondaryID: secondaryID, to: primaryID, at: now, events: [event])
        } catch StoreError.invalidInput(let reason) {
            throw AccountFailure.cannotLink(reason.replacingOccurrences(of: "link user: ", with: ""))
        }
        invalidation.userSessionsEnded(tenantID: tenantID, userID: secondaryID)
    }

    /// Gives a linked identity back as its own user; `false` when it was not linked to `primaryID`.
    @discardableResult
    public func unlink(tenantID: String, secondaryID: String, from primaryID: String, by actor: EventParty,
                       request: EventRequestContext? = nil, now: Date = Date()) async throws -> Bool {
        let event = DomainEvent(.identityUnlinked, tenantID: tenantID, subject: .user(secondaryID), actor: actor,
                                request: request, at: now, details: ["primary": primaryID])
        return try await storage.unlink(tenantID: tenantID, secondaryID: secondaryID, from: primaryID, at: now, events: [event])
    }
}
