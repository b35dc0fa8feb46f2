import PortcullisCore

/// Why a role change was refused; each front end words it in its own shape (an Auth0 error
/// body, a CLI line).
public enum RoleFailure: Error, Equatable, Sendable {
    /// No configured or runtime role has this id (or name, where a name is accepted).
    case noSuchRole(String)
    /// The role comes from the configuration: change it in its file and reload.
    case managedByConfiguration(RoleConfig)
    /// A configured or runtime role already has the name.
    case nameTaken(String)
    /// The name or description breaks the rules given.
    case invalid(String)
    case unknownResourceServer(String)
    /// The resource server does not define the permission (one of its scopes).
    case unknownPermission(resourceServer: String, permission: String)
    case noSuchUser
    /// An organization role for a user who is not a member of the organization.
    case notAMember(organizationID: String)
}
