import Foundation

/// Organization invitations. Deleting the organization deletes its invitations.
public protocol InvitationStore: Sendable {
    /// - Throws: ``StoreError/invalidInput(_:)`` if the organization is not in the tenant or a
    ///   metadata text is not a JSON object; ``StoreError/conflict(_:)`` for a reused id or digest.
    func createInvitation(_ invitation: Invitation, events: [DomainEvent]) async throws

    /// A pending invitation: neither revoked nor accepted (Auth0 removes accepted ones from its API).
    func invitation(tenantID: String, organizationID: String, id: String) async throws -> Invitation?
    /// The organization's pending invitations, newest first; `limit` 1…100.
    func invitations(tenantID: String, organizationID: String, offset: Int, limit: Int) async throws -> [Invitation]
    func invitationCount(tenantID: String, organizationID: String) async throws -> Int
    /// By ticket digest, in any state (the hosted page says why a ticket cannot be used).
    func invitation(tenantID: String, ticketDigest: String) async throws -> Invitation?

    /// - Returns: whether a pending invitation was revoked.
    func revokeInvitation(tenantID: String, organizationID: String, id: String, at: Date,
                          events: [DomainEvent]) async throws -> Bool

    /// Accepts the invitation for `userID` in one transaction: marks it accepted, adds the
    /// membership, gives its roles in the organization, and merges its metadata into the user's
    /// (top-level keys replace). Nothing changes when it is refused.
    /// - Throws: ``InvitationRefusal`` when the ticket is unknown, expired, used or revoked.
    func acceptInvitation(tenantID: String, ticketDigest: String, userID: String, at: Date,
                          events: [DomainEvent]) async throws -> Invitation
}
