import Foundation

/// An invitation to join an organization (Auth0's organization invitations): the invitee opens
/// `invitation_url`, logs in or signs up with the invited address, and becomes a member with the
/// roles and metadata given here — in one transaction, once.
public struct Invitation: Sendable, Hashable {
    /// `uinv_` followed by 24 random URL-safe characters.
    public var id: String
    public var tenantID: String
    public var organizationID: String
    public var inviterName: String
    public var inviteeEmail: String
    /// The client the invitee is sent on to after accepting.
    public var clientID: String
    /// The connection the invitee signs up with; `nil` for the client's first database connection.
    public var connection: String?
    /// Role names to give in the organization.
    public var roles: [String]
    public var appMetadataJSON: String
    public var userMetadataJSON: String
    /// Hex SHA-256 of the ticket in `invitation_url`; the ticket itself is never stored.
    public var ticketDigest: String
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    /// The user who accepted it.
    public var acceptedBy: String?
    /// Set by `DELETE`: the row stays so that its link answers "revoked" rather than "unknown".
    public var revokedAt: Date?

    public init(id: String = Invitation.makeID(), tenantID: String, organizationID: String, inviterName: String,
                inviteeEmail: String, clientID: String, connection: String? = nil, roles: [String] = [],
                appMetadataJSON: String = "{}", userMetadataJSON: String = "{}", ticketDigest: String,
                createdAt: Date, expiresAt: Date, acceptedAt: Date? = nil, acceptedBy: String? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.organizationID = organizationID
        self.inviterName = inviterName
        self.inviteeEmail = inviteeEmail
        self.clientID = clientID
        self.connection = connection
        self.roles = roles
        self.appMetadataJSON = appMetadataJSON
        self.userMetadataJSON = userMetadataJSON
        self.ticketDigest = ticketDigest
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.acceptedBy = acceptedBy
        self.revokedAt = revokedAt
    }

    public static func makeID() -> String { RandomID.make(prefix: "uinv_") }

    /// Why a ticket cannot be used now, if it cannot.
    public func refusal(at now: Date) -> InvitationRefusal? {
        if revokedAt != nil { return .revoked }
        if acceptedAt != nil { return .used }
        if expiresAt <= now { return .expired }
        return nil
    }
}

/// Why an invitation's ticket was refused; the hosted pages show each as its own clear message.
public enum InvitationRefusal: Error, Sendable, Hashable {
    case unknown, expired, used, revoked
}
