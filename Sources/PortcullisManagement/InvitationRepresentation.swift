import PortcullisCore
import PortcullisStore

/// An organization invitation in Auth0's shape. `invitation_url` and `ticket_id` are in the
/// answer to `POST` only: the ticket is stored as a digest, so no later read can show it again.
public enum InvitationRepresentation {
    /// - Parameters:
    ///   - roleIDs: the ids of the roles it gives (stored by name; runtime roles answer with `rol_…`).
    ///   - link: on creation, the link and the ticket in it (Auth0's `ticket_id` is the link's
    ///     `invitation` parameter).
    public static func json(_ invitation: Invitation, roleIDs: [String], link: (url: String, ticket: String)? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(invitation.id), "organization_id": .string(invitation.organizationID),
            "inviter": ["name": .string(invitation.inviterName)], "invitee": ["email": .string(invitation.inviteeEmail)],
            "client_id": .string(invitation.clientID),
            "created_at": .string(ManagementDates.format(invitation.createdAt)),
            "expires_at": .string(ManagementDates.format(invitation.expiresAt)),
            "roles": .array(roleIDs.map(JSONValue.string)),
            "app_metadata": UserRepresentation.metadata(invitation.appMetadataJSON),
            "user_metadata": UserRepresentation.metadata(invitation.userMetadataJSON),
        ]
        if let connection = invitation.connection { object["connection_id"] = .string(connection) }
        if let link {
            object["invitation_url"] = .string(link.url)
            object["ticket_id"] = .string(link.ticket)
        }
        return .object(object)
    }
}
