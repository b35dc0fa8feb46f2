import PortcullisCore
import PortcullisStore

/// What a user holds, computed in one place for tokens, forward auth and
/// `GET /users/{id}/permissions`: direct grants ∪ the permissions of their tenant-wide roles ∪
/// those of the roles they hold in the organization the request runs in (the security model).
/// Configured and runtime roles count alike.
public struct EffectivePermissions: Sendable {
    public typealias Storage = RoleAssignmentStore & UserPermissionStore & RoleStore

    /// One permission and why the user holds it.
    public struct Held: Sendable, Hashable {
        public var permission: RolePermission
        public var sources: [Source]
    }

    public enum Source: Sendable, Hashable {
        case direct
        /// A role: its id (the name for a configured role) and name.
        case role(id: String, name: String)
    }

    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// Every permission the user holds in `organizationID` (tenant-wide only when `nil`), ordered by
    /// resource server, then permission, each with its sources (direct first, then roles by name).
    public func held(by userID: String, organizationID: String?, in tenant: TenantConfig) async throws -> [Held] {
        let tenantID = tenant.id.value
        let roleNames = try await storage.roleAssignments(tenantID: tenantID, userID: userID).effectiveRoles(in: organizationID)
        var sources: [RolePermission: [Source]] = [:]
        for grant in try await storage.permissions(tenantID: tenantID, userID: userID) {
            sources[RolePermission(resourceServer: grant.resourceServer, permission: grant.permission), default: []].append(.direct)
        }
        let configured = Dictionary(tenant.roles.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        for name in roleNames {
            guard let role = configured[name] else { continue }
            for permission in RoleService.permissions(of: role) {
                sources[permission, default: []].append(.role(id: name, name: name))
            }
        }
        // Runtime roles: one read for the list, one per role held (a user holds few). A name
        // that is also configured counts once, as the configured role.
        let runtimeNames = roleNames.filter { configured[$0] == nil }
        if !runtimeNames.isEmpty {
            let runtime = try await storage.roles(tenantID: tenantID).filter { runtimeNames.contains($0.name) }
            for role in runtime {
                for permission in try await storage.permissions(ofRoles: [role.name], tenantID: tenantID) {
                    sources[permission, default: []].append(.role(id: role.id, name: role.name))
                }
            }
        }
        return sources.map { Held(permission: $0.key, sources: $0.value) }
            .sorted { ($0.permission.resourceServer, $0.permission.permission) < ($1.permission.resourceServer, $1.permission.permission) }
    }

    /// The permission names held on one resource server: what ``ScopePolicy`` checks requested
    /// scopes against and what the `permissions` claim lists. Sorted, unique.
    public func names(heldBy userID: String, organizationID: String?, on resourceServer: String,
                      in tenant: TenantConfig) async throws -> [String] {
        let tenantID = tenant.id.value
        let roleNames = try await storage.roleAssignments(tenantID: tenantID, userID: userID).effectiveRoles(in: organizationID)
        var names = Set<String>()
        for grant in try await storage.permissions(tenantID: tenantID, userID: userID) where grant.resourceServer == resourceServer {
            names.insert(grant.permission)
        }
        let configured = Set(tenant.roles.map(\.name.value))
        for role in tenant.roles where roleNames.contains(role.name.value) {
            for permission in RoleService.permissions(of: role) where permission.resourceServer == resourceServer {
                names.insert(permission.permission)
            }
        }
        let runtimeNames = roleNames.filter { !configured.contains($0) }
        if !runtimeNames.isEmpty {
            for permission in try await storage.permissions(ofRoles: runtimeNames, tenantID: tenantID)
            where permission.resourceServer == resourceServer {
                names.insert(permission.permission)
            }
        }
        return names.sorted()
    }
}
