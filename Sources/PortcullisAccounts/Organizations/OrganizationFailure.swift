/// Why an organization change was refused; each front end words it in its own shape (an Auth0
/// error body, a CLI line).
public enum OrganizationFailure: Error, Equatable, Sendable {
    case noSuchOrganization(String)
    /// Another organization of the tenant has the name (names compare without case).
    case nameTaken(String)
    /// A field breaks the rules given.
    case invalid(String)
    /// No user of the tenant has this id (linked secondary identities are not users here).
    case noSuchUser(String)
    /// The tenant's configuration has no connection of that name.
    case unknownConnection(String)
    case connectionAlreadyEnabled(String)
    case connectionNotEnabled(String)
    case noSuchInvitation(String)
}
