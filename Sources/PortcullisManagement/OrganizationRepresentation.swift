import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Organizations, their enabled connections and members in Auth0's shapes.
public enum OrganizationRepresentation {
    public static let memberFields: Set<String> = ["user_id", "email", "name", "picture", "roles"]

    /// `{id, name, display_name, branding: {logo_url, colors: {primary, page_background}}, metadata}`;
    /// absent parts are left out, as Auth0 does.
    public static func json(_ organization: Organization) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(organization.id), "name": .string(organization.name),
            "metadata": UserRepresentation.metadata(organization.metadataJSON),
        ]
        if let display = organization.displayName { object["display_name"] = .string(display) }
        let branding = organization.branding
        if !branding.isEmpty {
            var value: [String: JSONValue] = [:]
            if let logo = branding.logoURL { value["logo_url"] = .string(logo) }
            var colors: [String: JSONValue] = [:]
            if let primary = branding.primaryColor { colors["primary"] = .string(primary) }
            if let background = branding.pageBackground { colors["page_background"] = .string(background) }
            if !colors.isEmpty { value["colors"] = .object(colors) }
            object["branding"] = .object(value)
        }
        return .object(object)
    }

    /// `{connection_id, assign_membership_on_login, show_as_button, is_signup_enabled,
    /// connection: {name, strategy}}`; connection ids are connection names here.
    public static func json(_ connection: OrganizationConnection, tenant: Tenant) -> JSONValue {
        let configured = tenant.connections[connection.connection]
        var info: [String: JSONValue] = ["name": .string(connection.connection)]
        if let configured { info["strategy"] = .string(configured.type == .database ? "auth0" : configured.type.rawValue) }
        return [
            "connection_id": .string(connection.connection),
            "assign_membership_on_login": .bool(connection.assignMembershipOnLogin),
            "show_as_button": .bool(connection.showAsButton), "is_signup_enabled": .bool(connection.isSignupEnabled),
            "connection": .object(info),
        ]
    }

    /// A member: the role holders' short form, with `roles` (`[{id, name}]`) when asked for.
    public static func member(_ user: User, roles: [TenantRole]?, list: ListParameters) -> JSONValue {
        guard case .object(var object) = RoleRepresentation.member(user) else { return .null }
        if let roles { object["roles"] = .array(roles.map { ["id": .string($0.id), "name": .string($0.name)] }) }
        return .object(object.filter { list.includes($0.key) })
    }

    /// The failure in Auth0's error shape.
    public static func error(_ failure: OrganizationFailure) -> ManagementError {
        switch failure {
        case .noSuchOrganization:
            ManagementError(404, "No organization found by that id or name", errorCode: "inexistent_organization")
        case .nameTaken(let name):
            ManagementError(409, "An organization with the name \(name) already exists.", errorCode: "organization_conflict")
        case .invalid(let reason):
            .invalidBody(reason)
        case .noSuchUser:
            .noSuchUser
        case .unknownConnection(let name):
            ManagementError(404, "The connection \(name) does not exist in this tenant's configuration.",
                            errorCode: "inexistent_connection")
        case .connectionAlreadyEnabled(let name):
            ManagementError(409, "The connection \(name) is already enabled for this organization.",
                            errorCode: "connection_conflict")
        case .connectionNotEnabled(let name):
            ManagementError(404, "The connection \(name) is not enabled for this organization.",
                            errorCode: "inexistent_organization_connection")
        case .noSuchInvitation:
            ManagementError(404, "The invitation does not exist.", errorCode: "inexistent_invitation")
        }
    }
}
