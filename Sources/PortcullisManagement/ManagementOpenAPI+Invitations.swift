import PortcullisCore

extension ManagementOpenAPI {
    /// `/organizations/{id}/invitations…`.
    static var invitationPaths: [String: JSONValue] {
        let organizationID = path("id", "The organization's id (org_…)")
        let invitationID = path("invitation_id", "The invitation's id (uinv_…)")
        let fields = [
            query("fields", "Comma-separated invitation fields"),
            query("include_fields", "Whether `fields` are included (true) or left out", schema: Schemas.boolean),
        ]
        let sort = query("sort", "created_at:1 (oldest first) or created_at:-1 (newest first, the default)",
                         schema: ["type": "string", "enum": ["created_at:1", "created_at:-1"]])
        return [
            "/organizations/{id}/invitations": [
                "get": operation("Pending invitations (not accepted, not revoked)", scope: "read:organization_invitations",
                                 parameters: [organizationID] + pageParameters + fields + [sort],
                                 ok: ["anyOf": [arrayOf("Invitation"), ref("InvitationPage")]], errors: ["400", "401", "403", "404"]),
                "post": operation("Invite someone to the organization; the answer alone carries invitation_url",
                                  scope: "create:organization_invitations", parameters: [organizationID],
                                  body: "InvitationCreate", ok: ref("InvitationCreated"), status: "201",
                                  errors: ["400", "401", "403", "404", "413", "415"]),
            ],
            "/organizations/{id}/invitations/{invitation_id}": [
                "get": operation("A pending invitation", scope: "read:organization_invitations",
                                 parameters: [organizationID, invitationID] + fields, ok: ref("Invitation"),
                                 errors: ["400", "401", "403", "404"]),
                "delete": operation("Revoke an invitation: its link then says so", scope: "delete:organization_invitations",
                                    parameters: [organizationID, invitationID], status: "204", errors: ["401", "403", "404"]),
            ],
        ]
    }
}

extension ManagementOpenAPI.Schemas {
    static let invitationProperties: [String: JSONValue] = [
        "id": string, "organization_id": string, "inviter": object(["name": string]), "invitee": object(["email": string]),
        "client_id": string, "connection_id": string, "created_at": dateTime, "expires_at": dateTime,
        "roles": ["type": "array", "items": string], "app_metadata": ["type": "object"], "user_metadata": ["type": "object"],
    ]

    static let invitations: [String: JSONValue] = [
        "Invitation": object(invitationProperties),
        "InvitationCreated": object(invitationProperties.merging(["invitation_url": ["type": "string", "format": "uri"],
                                                                  "ticket_id": string]) { first, _ in first },
                                    required: ["id", "invitation_url"]),
        "InvitationPage": page("invitations", "Invitation"),
        "InvitationCreate": object([
            "inviter": object(["name": ["type": "string", "minLength": 1, "maxLength": 300]], required: ["name"], closed: true),
            "invitee": object(["email": ["type": "string", "format": "email", "minLength": 3]], required: ["email"], closed: true),
            "client_id": ["type": "string", "minLength": 1],
            "connection_id": ["type": "string", "minLength": 1],
            "roles": ["type": "array", "maxItems": 100, "items": ["type": "string", "minLength": 1]],
            "app_metadata": metadata, "user_metadata": metadata,
            "ttl_sec": ["type": "integer", "minimum": 0, "maximum": 2_592_000],
            "send_invitation_email": boolean,
        ], required: ["inviter", "invitee", "client_id"], closed: true),
    ]
}
