import Foundation
import PortcullisAccounts
import PortcullisCore
import PortcullisStore

/// `POST /organizations/{id}/invitations` in Auth0's shape, checked strictly (unknown keys and wrong
/// types are 400s naming the key): `inviter.name`, `invitee.email`, `client_id` required;
/// `connection_id`, `roles`, `app_metadata`, `user_metadata`, `ttl_sec`, `send_invitation_email`
/// (default `true`, as in Auth0) optional.
public enum InvitationBody {
    public static func invitation(_ data: Data) throws(ManagementError) -> (request: InvitationService.Request, sendEmail: Bool) {
        let body = try UserBody.object(data)
        try UserBody.requireOnly(body, ["inviter", "invitee", "client_id", "connection_id", "roles", "app_metadata",
                                        "user_metadata", "ttl_sec", "send_invitation_email"])
        let inviter = try member(body, "inviter", "name")
        let invitee = try member(body, "invitee", "email")
        guard let client = try RoleBody.text(body, "client_id"), !client.isEmpty else {
            throw .invalidBody("Missing required property: client_id")
        }
        var request = InvitationService.Request(inviterName: inviter, inviteeEmail: invitee, clientID: client,
                                                connection: try RoleBody.text(body, "connection_id"))
        if request.connection?.isEmpty == true { throw .invalidBody("connection_id must not be empty") }
        if let roles = body["roles"] {
            guard case .array(let items) = roles else { throw .invalidBody("Expected type array for roles") }
            guard items.count <= RoleBody.maximumEntries else {
                throw .invalidBody("roles may have at most \(RoleBody.maximumEntries) entries")
            }
            request.roleIDs = try items.map { (item) throws(ManagementError) -> String in
                guard case .string(let id) = item, !id.isEmpty, id.utf8.count <= 200 else {
                    throw .invalidBody("Expected non-empty strings in roles")
                }
                return id
            }
        }
        request.appMetadataJSON = try metadata(body, .appMetadata)
        request.userMetadataJSON = try metadata(body, .userMetadata)
        if let ttl = body["ttl_sec"] {
            guard case .int(let seconds) = ttl else { throw .invalidBody("Expected type integer for ttl_sec") }
            guard (0...Int(InvitationService.maximumLifetime)).contains(seconds) else {
                throw .invalidBody("ttl_sec must be 0 to \(Int(InvitationService.maximumLifetime)) seconds")
            }
            request.lifetime = seconds
        }
        var sendEmail = true
        if let send = body["send_invitation_email"] {
            guard case .bool(let flag) = send else { throw .invalidBody("Expected type boolean for send_invitation_email") }
            sendEmail = flag
        }
        return (request, sendEmail)
    }

    /// `{"inviter": {"name": "…"}}`: the one string inside a required object.
    private static func member(_ body: [String: JSONValue], _ key: String, _ inner: String) throws(ManagementError) -> String {
        guard let value = body[key] else { throw .invalidBody("Missing required property: \(key)") }
        guard case .object(let object) = value else { throw .invalidBody("Expected type object for \(key)") }
        try UserBody.requireOnly(object, [inner])
        guard let text = try RoleBody.text(object, inner), !text.isEmpty else {
            throw .invalidBody("Missing required property: \(key).\(inner)")
        }
        return text
    }

    private static func metadata(_ body: [String: JSONValue], _ field: UserField) throws(ManagementError) -> String {
        guard let value = body[field.rawValue], value != .null else { return "{}" }
        guard case .object(let text) = try UserBody.fieldValue(field, value, nullable: false) else { return "{}" }
        return text
    }
}
