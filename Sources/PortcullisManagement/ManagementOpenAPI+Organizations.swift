import PortcullisCore

extension ManagementOpenAPI {
    /// `/organizations…`.
    static var organizationPaths: [String: JSONValue] {
        let organizationID = path("id", "The organization's id (org_…)")
        let memberID = path("user_id", "connection|id, percent-encoded", schema: ["type": "string", "pattern": "^[^|]+\\|.+$"])
        let connectionID = path("connection_id", "The connection's name in the configuration")
        let readErrors = ["400", "401", "403", "404"]
        let writeErrors = ["400", "401", "403", "404", "409", "413", "415"]
        let checkpoint = [
            query("from", "Checkpoint: the `next` of the previous answer"),
            query("take", "Checkpoint page size", schema: ["type": "integer", "minimum": 1, "maximum": 100]),
        ]
        let fields = [
            query("fields", "Comma-separated member fields: user_id, email, name, picture, roles"),
            query("include_fields", "Whether `fields` are included (true) or left out", schema: Schemas.boolean),
        ]
        return [
            "/organizations": [
                "get": operation("Organizations: by page (by name) or from a checkpoint (by id)", scope: "read:organizations",
                                 parameters: pageParameters + checkpoint,
                                 ok: ["anyOf": [arrayOf("Organization"), ref("OrganizationPage"), ref("OrganizationList")]]),
                "post": operation("Create an organization, optionally with enabled connections", scope: "create:organizations",
                                  body: "OrganizationCreate", ok: ref("OrganizationCreated"), status: "201",
                                  errors: ["400", "401", "403", "404", "409", "413", "415"]),
            ],
            "/organizations/name/{name}": [
                "get": operation("An organization by name", scope: "read:organizations",
                                 parameters: [path("name", "The organization's name")], ok: ref("Organization"), errors: readErrors),
            ],
            "/organizations/{id}": [
                "get": operation("An organization", scope: "read:organizations", parameters: [organizationID],
                                 ok: ref("Organization"), errors: readErrors),
                "patch": operation("Change an organization (metadata is merged; null removes a key)",
                                   scope: "update:organizations", parameters: [organizationID], body: "OrganizationUpdate",
                                   ok: ref("Organization"), errors: writeErrors),
                "delete": operation("Delete an organization with its memberships, member roles and enabled connections",
                                    scope: "delete:organizations", parameters: [organizationID], status: "204",
                                    errors: ["401", "403", "404"]),
            ],
            "/organizations/{id}/members": [
                "get": operation("Members by user id: by page or from a checkpoint", scope: "read:organization_members",
                                 parameters: [organizationID] + pageParameters + checkpoint + fields,
                                 ok: ["anyOf": [arrayOf("OrganizationMember"), ref("OrganizationMemberPage"),
                                                ref("OrganizationMemberList")]], errors: readErrors),
                "post": operation("Add members", scope: "create:organization_members", parameters: [organizationID],
                                  body: "MemberIDs", status: "204", errors: writeErrors),
                "delete": operation("Remove members with their roles in the organization", scope: "delete:organization_members",
                                    parameters: [organizationID], body: "MemberIDs", status: "204", errors: writeErrors),
            ],
            "/organizations/{id}/members/{user_id}/roles": [
                "get": operation("A member's roles in the organization", scope: "read:organization_member_roles",
                                 parameters: [organizationID, memberID] + pageParameters,
                                 ok: ["anyOf": [arrayOf("Role"), ref("RolePage")]], errors: readErrors),
                "post": operation("Give a member roles in the organization", scope: "create:organization_member_roles",
                                  parameters: [organizationID, memberID], body: "RoleIDs", status: "204", errors: writeErrors),
                "delete": operation("Take a member's roles in the organization", scope: "delete:organization_member_roles",
                                    parameters: [organizationID, memberID], body: "RoleIDs", status: "204", errors: writeErrors),
            ],
            "/organizations/{id}/enabled_connections": [
                "get": operation("The connections enabled for the organization", scope: "read:organization_connections",
                                 parameters: [organizationID] + pageParameters,
                                 ok: ["anyOf": [arrayOf("OrganizationConnection"), ref("OrganizationConnectionPage")]],
                                 errors: readErrors),
                "post": operation("Enable a configured connection for the organization", scope: "create:organization_connections",
                                  parameters: [organizationID], body: "OrganizationConnectionCreate",
                                  ok: ref("OrganizationConnection"), status: "201", errors: writeErrors),
            ],
            "/organizations/{id}/enabled_connections/{connection_id}": [
                "get": operation("An enabled connection", scope: "read:organization_connections",
                                 parameters: [organizationID, connectionID], ok: ref("OrganizationConnection"), errors: readErrors),
                "patch": operation("Change an enabled connection's options", scope: "update:organization_connections",
                                   parameters: [organizationID, connectionID], body: "OrganizationConnectionUpdate",
                                   ok: ref("OrganizationConnection"), errors: writeErrors),
                "delete": operation("Disable a connection for the organization", scope: "delete:organization_connections",
                                    parameters: [organizationID, connectionID], status: "204", errors: ["401", "403", "404"]),
            ],
        ]
    }
}

extension ManagementOpenAPI.Schemas {
    static let organizationName: JSONValue = ["type": "string", "pattern": "^[a-z0-9_-]{1,50}$"]
    static let color: JSONValue = ["type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"]
    static let organizationMetadata: JSONValue = [
        "type": "object", "maxProperties": 25,
        "additionalProperties": ["type": ["string", "null"], "maxLength": 255],
    ]
    static let branding = object([
        "logo_url": ["type": "string", "format": "uri", "pattern": "^https://", "maxLength": 2048],
        "colors": object(["primary": color, "page_background": color], closed: true),
    ], closed: true)
    static let connectionOptions: [String: JSONValue] = [
        "assign_membership_on_login": boolean, "show_as_button": boolean, "is_signup_enabled": boolean,
    ]

    static let organizations: [String: JSONValue] = [
        "Organization": object(["id": string, "name": string, "display_name": string, "branding": branding,
                                "metadata": ["type": "object"]], required: ["id", "name"]),
        "OrganizationCreated": object(["id": string, "name": string, "display_name": string, "branding": branding,
                                       "metadata": ["type": "object"], "enabled_connections": ManagementOpenAPI.arrayOf("OrganizationConnection")],
                                      required: ["id", "name"]),
        "OrganizationPage": page("organizations", "Organization"),
        "OrganizationList": object(["organizations": ManagementOpenAPI.arrayOf("Organization"), "next": string], required: ["organizations"]),
        "OrganizationCreate": object([
            "name": organizationName, "display_name": ["type": "string", "minLength": 1, "maxLength": 255],
            "branding": branding, "metadata": organizationMetadata,
            "enabled_connections": ["type": "array", "maxItems": 100, "items": ManagementOpenAPI.ref("OrganizationConnectionCreate")],
        ], required: ["name"], closed: true),
        "OrganizationUpdate": object([
            "name": organizationName, "display_name": ["type": ["string", "null"], "minLength": 1, "maxLength": 255],
            "branding": ["anyOf": [branding, ["type": "null"]]], "metadata": organizationMetadata,
        ], closed: true),
        "OrganizationConnection": object(connectionOptions.merging([
            "connection_id": string, "connection": object(["name": string, "strategy": string]),
        ]) { first, _ in first }, required: ["connection_id"]),
        "OrganizationConnectionPage": page("enabled_connections", "OrganizationConnection"),
        "OrganizationConnectionCreate": object(connectionOptions.merging(["connection_id": ["type": "string", "minLength": 1]]) {
            first, _ in first
        }, required: ["connection_id"], closed: true),
        "OrganizationConnectionUpdate": object(connectionOptions, closed: true),
        "OrganizationMember": object(["user_id": string, "email": string, "name": string, "picture": string,
                                      "roles": ["type": "array", "items": object(["id": string, "name": string])]]),
        "OrganizationMemberPage": page("members", "OrganizationMember"),
        "OrganizationMemberList": object(["members": ManagementOpenAPI.arrayOf("OrganizationMember"), "next": string], required: ["members"]),
        "MemberIDs": object(["members": ["type": "array", "items": ["type": "string", "minLength": 1], "minItems": 1,
                                         "maxItems": 100]], required: ["members"], closed: true),
    ]
}
