import Foundation
import PortcullisCore
import PortcullisStore

/// Roles, their permissions and who holds them — the one implementation the management API and
/// the CLI share. Configured roles are read-only here; runtime roles live in the store. Every change
/// is one store call that writes its event in the same transaction.
public struct RoleService: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    // MARK: Reading

    /// Configured and runtime roles together, ordered by name.
    public func roles(in tenant: TenantConfig) async throws -> [TenantRole] {
        let configured = tenant.roles.map(TenantRole.configured)
        let runtime = try await storage.roles(tenantID: tenant.id.value).map(TenantRole.runtime)
        return (configured + runtime).sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    /// By id: `rol_…` for a runtime role, the name for a configured one.
    /// - Throws: ``RoleFailure/noSuchRole(_:)``, or the store's error.
    public func role(id: String, in tenant: TenantConfig) async throws -> TenantRole {
        if let configured = tenant.roles.first(where: { $0.name.value == id }) { return .configured(configured) }
        guard id.hasPrefix("rol_"), let runtime = try await storage.role(tenantID: tenant.id.value, id: id) else {
            throw RoleFailure.noSuchRole(id)
        }
        return .runtime(runtime)
    }

    /// By name, configured first (the two kinds never share a name when created through here).
    public func role(named name: String, in tenant: TenantConfig) async throws -> TenantRole? {
        if let configured = tenant.roles.first(where: { $0.name.value == name }) { return .configured(configured) }
        return try await storage.role(tenantID: tenant.id.value, name: name).map(TenantRole.runtime)
    }

    /// The permissions the role gives, ordered by resource server, then permission.
    public func permissions(of role: TenantRole, in tenant: TenantConfig) async throws -> [RolePermission] {
        switch role {
        case .configured(let configured):
            return Self.permissions(of: configured)
        case .runtime(let runtime):
            return try await storage.permissions(ofRoles: [runtime.name], tenantID: tenant.id.value)
        }
    }

    /// The users holding the role (tenant-wide or in an organization), by user id.
    public func holders(of role: TenantRole, in tenant: TenantConfig, after: String? = nil, offset: Int = 0,
                        limit: Int) async throws -> [User] {
        try await storage.holders(ofRole: role.name, tenantID: tenant.id.value, after: after, offset: offset, limit: limit)
    }

    public func holderCount(of role: TenantRole, in tenant: TenantConfig) async throws -> Int {
        try await storage.holderCount(ofRole: role.name, tenantID: tenant.id.value)
    }

    // MARK: Runtime roles

    public func create(name: String, description: String = "", in tenant: TenantConfig, by actor: EventParty,
                       request: EventRequestContext? = nil, now: Date = Date()) async throws -> RuntimeRole {
        try Self.check(name: name, description: description)
        if try await role(named: name, in: tenant) != nil { throw RoleFailure.nameTaken(name) }
        let role = RuntimeRole(tenantID: tenant.id.value, name: name, description: description, createdAt: now)
        let event = DomainEvent(.roleCreated, tenantID: role.tenantID, subject: .role(role.id), actor: actor,
                                request: request, at: now, details: ["role": name])
        do {
            try await storage.createRole(role, events: [event])
        } catch StoreError.conflict {
            throw RoleFailure.nameTaken(name)
        }
        return role
    }

    /// Renames and/or redescribes a runtime role; holders keep it under its new name.
    public func update(id: String, name: String?, description: String?, in tenant: TenantConfig, by actor: EventParty,
                       request: EventRequestContext? = nil, now: Date = Date()) async throws -> RuntimeRole {
        var role = try await runtimeRole(id: id, in: tenant)
        let newName = name ?? role.name
        try Self.check(name: newName, description: description ?? role.description)
        if newName != role.name, try await self.role(named: newName, in: tenant) != nil { throw RoleFailure.nameTaken(newName) }
        var details = ["role": newName]
        if newName != role.name { details["previous_name"] = role.name }
        role.name = newName
        role.description = description ?? role.description
        role.updatedAt = now
        let event = DomainEvent(.roleUpdated, tenantID: role.tenantID, subject: .role(role.id), actor: actor,
                                request: request, at: now, details: details)
        do {
            guard try await storage.updateRole(role, events: [event]) else { throw RoleFailure.noSuchRole(id) }
        } catch StoreError.conflict {
            throw RoleFailure.nameTaken(newName)
        }
        return role
    }

    /// Deletes a runtime role with its permissions and assignments (one transaction).
    public func delete(id: String, in tenant: TenantConfig, by actor: EventParty, request: EventRequestContext? = nil,
                       now: Date = Date()) async throws {
        let role = try await runtimeRole(id: id, in: tenant)
        let event = DomainEvent(.roleDeleted, tenantID: role.tenantID, subject: .role(role.id), actor: actor,
                                request: request, at: now, details: ["role": role.name])
        guard try await storage.deleteRole(tenantID: role.tenantID, id: role.id, events: [event]) else {
            throw RoleFailure.noSuchRole(id)
        }
    }

    /// Adds permissions to a runtime role; each must be a scope its resource server defines.
    public func addPermissions(_ permissions: [RolePermission], toRole id: String, in tenant: TenantConfig,
                               by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws {
        let role = try await runtimeRole(id: id, in: tenant)
        try Self.requireDefined(permissions, in: tenant)
        let event = DomainEvent(.rolePermissionsAdded, tenantID: role.tenantID, subject: .role(role.id), actor: actor,
                                request: request, at: now, details: ["role": role.name, "permissions": Self.describe(permissions)])
        try await storage.addPermissions(permissions, toRole: role.id, tenantID: role.tenantID, at: now, events: [event])
    }

    /// Removes permissions from a runtime role (ones it does not have change nothing).
    public func removePermissions(_ permissions: [RolePermission], fromRole id: String, in tenant: TenantConfig,
                                  by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws {
        let role = try await runtimeRole(id: id, in: tenant)
        let event = DomainEvent(.rolePermissionsRemoved, tenantID: role.tenantID, subject: .role(role.id), actor: actor,
                                request: request, at: now, details: ["role": role.name, "permissions": Self.describe(permissions)])
        try await storage.removePermissions(permissions, fromRole: role.id, tenantID: role.tenantID, events: [event])
    }

    // MARK: Assignments

    /// Gives each role (by id) to the user, tenant-wide or in `organizationID`. All roles are
    /// resolved before anything changes; each assignment is written with its event.
    /// - Returns: how many assignments were new.
    @discardableResult
    public func assign(roleIDs: [String], to userID: String, organizationID: String? = nil, in tenant: TenantConfig,
                       by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        var roles: [TenantRole] = []
        for id in roleIDs { roles.append(try await role(id: id, in: tenant)) }
        return try await assign(roles, to: userID, organizationID: organizationID, in: tenant, by: actor, request: request, now: now)
    }

    /// ``assign(roleIDs:to:organizationID:in:by:request:now:)`` for roles already resolved (the CLI names them).
    @discardableResult
    public func assign(_ roles: [TenantRole], to userID: String, organizationID: String? = nil, in tenant: TenantConfig,
                       by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        let tenantID = tenant.id.value
        guard try await storage.user(tenantID: tenantID, id: userID) != nil else { throw RoleFailure.noSuchUser }
        if let organizationID, !(try await storage.isMember(tenantID: tenantID, organizationID: organizationID, userID: userID)) {
            throw RoleFailure.notAMember(organizationID: organizationID)
        }
        var added = 0
        for role in roles {
            let event = Self.assignmentEvent(.roleAssigned, role, userID: userID, organizationID: organizationID,
                                             tenantID: tenantID, actor: actor, request: request, now: now)
            if try await storage.assignRole(tenantID: tenantID, userID: userID, role: role.name, organizationID: organizationID,
                                            at: now, events: [event]) {
                added += 1
            }
        }
        return added
    }

    /// Takes each role (by id) from the user. A role id that names no role is refused before
    /// anything changes; a role the user does not hold changes nothing.
    /// - Returns: how many assignments were removed.
    @discardableResult
    public func unassign(roleIDs: [String], from userID: String, organizationID: String? = nil, in tenant: TenantConfig,
                         by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        var roles: [TenantRole] = []
        for id in roleIDs { roles.append(try await role(id: id, in: tenant)) }
        return try await unassign(roles.map(\.name), from: userID, organizationID: organizationID, in: tenant, by: actor,
                                  request: request, now: now)
    }

    /// Takes roles by name — also names no role has any more (a role dropped from the config can
    /// still be taken away).
    @discardableResult
    public func unassign(_ roleNames: [String], from userID: String, organizationID: String? = nil, in tenant: TenantConfig,
                         by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws -> Int {
        let tenantID = tenant.id.value
        guard try await storage.user(tenantID: tenantID, id: userID) != nil else { throw RoleFailure.noSuchUser }
        var removed = 0
        for name in roleNames {
            var details = ["role": name]
            if let organizationID { details["organization_id"] = organizationID }
            let event = DomainEvent(.roleUnassigned, tenantID: tenantID, subject: .user(userID), actor: actor, request: request,
                                    at: now, details: details)
            if try await storage.unassignRole(tenantID: tenantID, userID: userID, role: name, organizationID: organizationID,
                                              events: [event]) {
                removed += 1
            }
        }
        return removed
    }

    /// The user's roles: tenant-wide ones when `organizationID` is `nil`, else those held in that
    /// organization only (Auth0's member roles). Names no role has any more are left out.
    public func roles(of userID: String, organizationID: String? = nil, in tenant: TenantConfig) async throws -> [TenantRole] {
        let names = Set(try await storage.roleAssignments(tenantID: tenant.id.value, userID: userID)
            .filter { $0.organizationID == organizationID }.map(\.role))
        return try await roles(in: tenant).filter { names.contains($0.name) }
    }

    // MARK: Rules

    func runtimeRole(id: String, in tenant: TenantConfig) async throws -> RuntimeRole {
        switch try await role(id: id, in: tenant) {
        case .configured(let configured): throw RoleFailure.managedByConfiguration(configured)
        case .runtime(let runtime): return runtime
        }
    }

    static func check(name: String, description: String) throws(RoleFailure) {
        guard RuntimeRole.isValidName(name) else {
            throw .invalid("name must be 1 to 50 characters, without control characters or surrounding spaces")
        }
        guard description.count <= RuntimeRole.maximumDescriptionLength else {
            throw .invalid("description may have at most \(RuntimeRole.maximumDescriptionLength) characters")
        }
    }

    /// Each permission must be a scope of a resource server of the tenant.
    public static func requireDefined(_ permissions: [RolePermission], in tenant: TenantConfig) throws(RoleFailure) {
        for permission in permissions {
            guard let server = tenant.resourceServers.first(where: { $0.identifier.value == permission.resourceServer }) else {
                throw .unknownResourceServer(permission.resourceServer)
            }
            guard server.scopes.contains(where: { $0.value == permission.permission }) else {
                throw .unknownPermission(resourceServer: permission.resourceServer, permission: permission.permission)
            }
        }
    }

    static func permissions(of role: RoleConfig) -> [RolePermission] {
        var result = Set<RolePermission>()
        for permission in role.permissions {
            guard let server = permission.resourceServer?.value else { continue }
            for scope in permission.scopes { result.insert(RolePermission(resourceServer: server, permission: scope.value)) }
        }
        return result.sorted { ($0.resourceServer, $0.permission) < ($1.resourceServer, $1.permission) }
    }

    static func describe(_ permissions: [RolePermission]) -> String {
        permissions.map { "\($0.resourceServer) \($0.permission)" }.joined(separator: ", ")
    }

    static func assignmentEvent(_ kind: DomainEventKind, _ role: TenantRole, userID: String, organizationID: String?,
                                tenantID: String, actor: EventParty, request: EventRequestContext?, now: Date) -> DomainEvent {
        var details = ["role": role.name]
        if let organizationID { details["organization_id"] = organizationID }
        return DomainEvent(kind, tenantID: tenantID, subject: .user(userID), actor: actor, request: request, at: now,
                           details: details)
    }
}
