import PortcullisCore
import PortcullisStore

/// A role as every front end shows it: one the configuration defines (read-only; its id is its
/// name, as in the config views) or one created at runtime (`rol_…`).
public enum TenantRole: Sendable, Hashable {
    case configured(RoleConfig)
    case runtime(RuntimeRole)

    public var id: String {
        switch self {
        case .configured(let role): role.name.value
        case .runtime(let role): role.id
        }
    }

    /// The name assignments and tokens use.
    public var name: String {
        switch self {
        case .configured(let role): role.name.value
        case .runtime(let role): role.name
        }
    }

    public var description: String {
        switch self {
        case .configured(let role): role.description
        case .runtime(let role): role.description
        }
    }

    public var isConfigured: Bool {
        if case .configured = self { return true }
        return false
    }
}
