import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Roles and permissions in Auth0's shapes. A configured role also says where it is defined
/// (`managed_by`, `source`), as the other configuration views do.
public enum RoleRepresentation {
    public static let fields: Set<String> = ["id", "name", "description", "managed_by", "source"]

    public static func json(_ role: TenantRole) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(role.id), "name": .string(role.name), "description": .string(role.description)]
        if case .configured(let configured) = role {
            object["managed_by"] = "configuration"
            object["source"] = ["file": .string(ManagementConfigViews.displayFile(configured.source.object.file)),
                                "line": .int(configured.source.object.line)]
        }
        return .object(object)
    }

    /// `{permission_name, description, resource_server_name, resource_server_identifier}`, with the
    /// scope's description and the API's name from the configuration.
    public static func json(_ permission: RolePermission, tenant: Tenant) -> [String: JSONValue] {
        let server = tenant.resourceServers[permission.resourceServer]
        let description = server?.scopes.first { $0.value == permission.permission }?.description ?? ""
        return [
            "permission_name": .string(permission.permission), "description": .string(description),
            "resource_server_identifier": .string(permission.resourceServer),
            "resource_server_name": .string(server?.name ?? permission.resourceServer),
        ]
    }

    /// A user's permission with Auth0's `sources`: `DIRECT`, or `ROLE` naming the role.
    public static func json(_ held: EffectivePermissions.Held, tenant: Tenant) -> JSONValue {
        var object = json(held.permission, tenant: tenant)
        object["sources"] = .array(held.sources.map { source in
            switch source {
            case .direct: ["source_id": "", "source_name": "", "source_type": "DIRECT"]
            case .role(let id, let name): ["source_id": .string(id), "source_name": .string(name), "source_type": "ROLE"]
            }
        })
        return .object(object)
    }

    /// A role's user: Auth0's short form.
    public static func member(_ user: User) -> JSONValue {
        var object: [String: JSONValue] = ["user_id": .string(user.externalID), "email": .string(user.email)]
        if let name = user.name { object["name"] = .string(name) }
        if let picture = user.picture { object["picture"] = .string(picture) }
        return .object(object)
    }

    /// The failure in Auth0's error shape.
    public static func error(_ failure: RoleFailure) -> ManagementError {
        switch failure {
        case .noSuchRole:
            return ManagementError(404, "The role does not exist.", errorCode: "inexistent_role")
        case .managedByConfiguration(let role):
            let place = "\(ManagementConfigViews.displayFile(role.source.object.file)):\(role.source.object.line)"
            return ManagementError(409, "Role \(role.name.value) is managed by configuration: change \(place) and reload",
                                   errorCode: "managed_by_configuration")
        case .nameTaken(let name):
            return ManagementError(409, "A role named \(name.prefix(50)) already exists (in the configuration or at runtime).",
                                   errorCode: "conflict")
        case .invalid(let reason):
            return .invalidBody(reason)
        case .unknownResourceServer(let identifier):
            return ManagementError(400, "No resource server with identifier \(identifier.prefix(200)).",
                                   errorCode: "invalid_body")
        case .unknownPermission(let server, let permission):
            return ManagementError(400, "Permission \(permission.prefix(200)) is not defined by resource server \(server.prefix(200)).",
                                   errorCode: "invalid_body")
        case .noSuchUser:
            return .noSuchUser
        case .notAMember:
            return ManagementError(400, "The user is not a member of the organization.", errorCode: "invalid_body")
        }
    }
}
