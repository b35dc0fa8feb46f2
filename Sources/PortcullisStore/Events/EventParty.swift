/// Who or what an event is about (its subject) or who caused it (its actor).
///
/// Stored as `kind:id` text (`user:usr_…`, `client:acme-web`, `operator:cli`), so one column can
/// hold any of them and a lookup by user is an exact match on `user:` + the user ID.
public enum EventParty: Sendable, Hashable {
    /// An end user of the tenant, by user ID.
    case user(String)
    /// An OAuth client, by client ID.
    case client(String)
    /// An organization, by organization ID.
    case organization(String)
    /// A runtime role, by role ID (`rol_…`); a configured role, by name.
    case role(String)
    /// An operator acting through the CLI or the management plane (`cli`, or a management client).
    case `operator`(String)
    /// Portcullis itself (maintenance, key generation).
    case system

    /// The stored text form.
    public var text: String {
        switch self {
        case .user(let id): "user:" + id
        case .client(let id): "client:" + id
        case .organization(let id): "organization:" + id
        case .role(let id): "role:" + id
        case .operator(let name): "operator:" + name
        case .system: "system"
        }
    }
}
