import PortcullisCore

extension ManagementOpenAPI {
    /// `/roles…`, `/users/{id}/roles` and `/users/{id}/permissions`.
    static var rolePaths: [String: JSONValue] {
        let roleID = path("id", "rol_… for a runtime role, the name for a configured one")
        let roleErrors = ["400", "401", "403", "404"]
        let writeErrors = ["400", "401", "403", "404", "409", "413", "415"]
        return [
            "/roles": [
                "get": operation("Configured and runtime roles, by name", scope: "read:roles", parameters: pageParameters + [
                    query("name_filter", "Only roles whose name contains this text (case-insensitive)"),
                ], ok: ["anyOf": [arrayOf("Role"), ref("RolePage")]]),
                "post": operation("Create a runtime role", scope: "create:roles", body: "RoleCreate", ok: ref("Role"),
                                  errors: ["400", "401", "403", "409", "413", "415"]),
            ],
            "/roles/{id}": [
                "get": operation("A role", scope: "read:roles", parameters: [roleID], ok: ref("Role"), errors: roleErrors),
                "patch": operation("Rename or redescribe a runtime role (409 for a configured one)", scope: "update:roles",
                                   parameters: [roleID], body: "RoleUpdate", ok: ref("Role"), errors: writeErrors),
                "delete": operation("Delete a runtime role with its permissions and assignments", scope: "delete:roles",
                                    parameters: [roleID], status: "204", errors: ["401", "403", "404", "409"]),
            ],
            "/roles/{id}/permissions": [
                "get": operation("The permissions a role gives", scope: "read:roles", parameters: [roleID] + pageParameters,
                                 ok: ["anyOf": [arrayOf("Permission"), ref("PermissionPage")]], errors: roleErrors),
                "post": operation("Add permissions to a runtime role (each a scope its API defines)", scope: "update:roles",
                                  parameters: [roleID], body: "PermissionList", status: "201", errors: writeErrors),
                "delete": operation("Remove permissions from a runtime role", scope: "update:roles",
                                    parameters: [roleID], body: "PermissionList", status: "204", errors: writeErrors),
            ],
            "/roles/{id}/users": [
                "get": operation("The users holding a role (tenant-wide or in an organization), by user id",
                                 scope: "read:role_members", parameters: [roleID] + pageParameters + [
                                     query("from", "Checkpoint: the `next` of the previous answer"),
                                     query("take", "Checkpoint page size", schema: ["type": "integer", "minimum": 1, "maximum": 100]),
                                 ], ok: ["anyOf": [arrayOf("RoleMember"), ref("RoleMemberPage"), ref("RoleMemberList")]],
                                 errors: roleErrors),
                "post": operation("Give a role to users, tenant-wide", scope: "create:role_members", parameters: [roleID],
                                  body: "UserIDs", errors: writeErrors),
            ],
            "/users/{id}/roles": [
                "get": operation("A user's tenant-wide roles", scope: "read:roles", parameters: [userID] + pageParameters,
                                 ok: ["anyOf": [arrayOf("Role"), ref("RolePage")]], errors: roleErrors),
                "post": operation("Give a user roles, tenant-wide", scope: "create:role_members", parameters: [userID],
                                  body: "RoleIDs", status: "204", errors: writeErrors),
                "delete": operation("Take tenant-wide roles from a user", scope: "delete:role_members", parameters: [userID],
                                    body: "RoleIDs", status: "204", errors: writeErrors),
            ],
            "/users/{id}/permissions": [
                "get": operation("What a user holds: direct permissions and those of their tenant-wide roles, with sources",
                                 scope: "read:users", parameters: [userID] + pageParameters,
                                 ok: ["anyOf": [arrayOf("UserPermission"), ref("UserPermissionPage")]], errors: roleErrors),
                "post": operation("Give a user permissions directly", scope: "update:users", parameters: [userID],
                                  body: "PermissionList", status: "201", errors: writeErrors),
                "delete": operation("Take direct permissions from a user", scope: "update:users", parameters: [userID],
                                    body: "PermissionList", status: "204", errors: writeErrors),
            ],
        ]
    }
}
