import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: RoleStore {
    private static let roleColumns = "tenant_id, id, name, description, created_at, updated_at"

    public func createRole(_ role: RuntimeRole, events: [DomainEvent]) async throws {
        try Self.validate(role, during: "create role")
        let createdAt = try SQLiteTimestamp.milliseconds(role.createdAt)
        let updatedAt = try SQLiteTimestamp.milliseconds(role.updatedAt)
        do {
            try await write("create role", events: events) { db in
                try db.execute(sql: """
                    INSERT INTO roles (tenant_id, id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [role.tenantID, role.id, role.name, role.description, createdAt, updatedAt])
            }
        } catch StoreError.conflict {
            throw StoreError.conflict("create role: the tenant already has a role with this name or id")
        }
    }

    public func role(tenantID: String, id: String) async throws -> RuntimeRole? {
        try await read("read role") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.roleColumns) FROM roles WHERE tenant_id = ? AND id = ?",
                             arguments: [tenantID, id]).map(RuntimeRole.init(row:))
        }
    }

    public func role(tenantID: String, name: String) async throws -> RuntimeRole? {
        try await read("find role by name") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.roleColumns) FROM roles WHERE tenant_id = ? AND name = ?",
                             arguments: [tenantID, name]).map(RuntimeRole.init(row:))
        }
    }

    public func roles(tenantID: String) async throws -> [RuntimeRole] {
        try await read("list roles") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.roleColumns) FROM roles WHERE tenant_id = ? ORDER BY name, id",
                             arguments: [tenantID]).map(RuntimeRole.init(row:))
        }
    }

    public func updateRole(_ role: RuntimeRole, events: [DomainEvent]) async throws -> Bool {
        try Self.validate(role, during: "update role")
        let updatedAt = try SQLiteTimestamp.milliseconds(role.updatedAt)
        do {
            return try await write("update role", events: events, when: { $0 }) { db in
                guard let oldName = try String.fetchOne(db, sql: "SELECT name FROM roles WHERE tenant_id = ? AND id = ?",
                                                        arguments: [role.tenantID, role.id])
                else { return false }
                try db.execute(sql: "UPDATE roles SET name = ?, description = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                               arguments: [role.name, role.description, updatedAt, role.tenantID, role.id])
                if oldName != role.name {
                    // A holder who also has a left-over assignment of the new name (a configured
                    // role removed since) keeps one: OR IGNORE, then the old name's rest goes.
                    try db.execute(sql: "UPDATE OR IGNORE role_assignments SET role = ? WHERE tenant_id = ? AND role = ?",
                                   arguments: [role.name, role.tenantID, oldName])
                    try db.execute(sql: "DELETE FROM role_assignments WHERE tenant_id = ? AND role = ?",
                                   arguments: [role.tenantID, oldName])
                }
                return true
            }
        } catch StoreError.conflict {
            throw StoreError.conflict("update role: the tenant already has a role named \(role.name)")
        }
    }

    public func deleteRole(tenantID: String, id: String, events: [DomainEvent]) async throws -> Bool {
        try await write("delete role", events: events, when: { $0 }) { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM roles WHERE tenant_id = ? AND id = ?",
                                                 arguments: [tenantID, id])
            else { return false }
            try db.execute(sql: "DELETE FROM role_assignments WHERE tenant_id = ? AND role = ?", arguments: [tenantID, name])
            // role_permissions go with the row (ON DELETE CASCADE).
            try db.execute(sql: "DELETE FROM roles WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            return true
        }
    }

    public func addPermissions(_ permissions: [RolePermission], toRole roleID: String, tenantID: String, at: Date,
                               events: [DomainEvent]) async throws -> Int {
        try Self.validate(permissions, during: "add role permissions")
        let createdAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("add role permissions", events: events, when: { $0 > 0 }) { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM roles WHERE tenant_id = ? AND id = ?)",
                                           arguments: [tenantID, roleID]) ?? false
            guard exists else { throw StoreError.invalidInput("add role permissions: the role does not exist in this tenant") }
            var added = 0
            for permission in permissions {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO role_permissions (tenant_id, role_id, resource_server, permission, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [tenantID, roleID, permission.resourceServer, permission.permission, createdAt])
                added += db.changesCount
            }
            return added
        }
    }

    public func removePermissions(_ permissions: [RolePermission], fromRole roleID: String, tenantID: String,
                                  events: [DomainEvent]) async throws -> Int {
        try await write("remove role permissions", events: events, when: { $0 > 0 }) { db in
            var removed = 0
            for permission in permissions {
                try db.execute(sql: """
                    DELETE FROM role_permissions WHERE tenant_id = ? AND role_id = ? AND resource_server = ? AND permission = ?
                    """, arguments: [tenantID, roleID, permission.resourceServer, permission.permission])
                removed += db.changesCount
            }
            return removed
        }
    }

    public func permissions(ofRoles roleNames: [String], tenantID: String) async throws -> [RolePermission] {
        guard !roleNames.isEmpty else { return [] }
        guard roleNames.count <= 500 else { throw StoreError.invalidInput("role permissions: at most 500 roles at once") }
        let placeholders = Array(repeating: "?", count: roleNames.count).joined(separator: ", ")
        return try await read("list role permissions") { db in
            try Row.fetchAll(db, sql: """
                SELECT DISTINCT p.resource_server, p.permission FROM role_permissions p
                JOIN roles r ON r.tenant_id = p.tenant_id AND r.id = p.role_id
                WHERE p.tenant_id = ? AND r.name IN (\(placeholders))
                ORDER BY p.resource_server, p.permission
                """, arguments: StatementArguments([tenantID] + roleNames))
            .map { RolePermission(resourceServer: $0["resource_server"], permission: $0["permission"]) }
        }
    }

    public func holders(ofRole roleName: String, tenantID: String, after: String?, offset: Int, limit: Int) async throws -> [User] {
        guard (1...100).contains(limit), offset >= 0 else {
            throw StoreError.invalidInput("role holders: limit must be 1 to 100 and offset not negative")
        }
        return try await read("list role holders") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(SQLiteUserRows.columns) FROM users
                WHERE tenant_id = ? AND id IN (SELECT user_id FROM role_assignments WHERE tenant_id = ? AND role = ?)
                  AND id > ?
                ORDER BY id LIMIT ? OFFSET ?
                """, arguments: [tenantID, tenantID, roleName, after ?? "", limit, offset])
            .map(User.init(row:))
        }
    }

    public func holderCount(ofRole roleName: String, tenantID: String) async throws -> Int {
        try await read("count role holders") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT user_id) FROM role_assignments WHERE tenant_id = ? AND role = ?
                """, arguments: [tenantID, roleName]) ?? 0
        }
    }

    private static func validate(_ role: RuntimeRole, during operation: String) throws(StoreError) {
        guard RuntimeRole.isValidName(role.name) else {
            throw .invalidInput("\(operation): a role name must be 1 to 50 characters, without control characters or surrounding spaces")
        }
        guard role.description.count <= RuntimeRole.maximumDescriptionLength else {
            throw .invalidInput("\(operation): a role description may have at most \(RuntimeRole.maximumDescriptionLength) characters")
        }
    }

    private static func validate(_ permissions: [RolePermission], during operation: String) throws(StoreError) {
        guard permissions.allSatisfy({ !$0.resourceServer.isEmpty && !$0.permission.isEmpty }) else {
            throw .invalidInput("\(operation): a permission needs a resource server and a permission name")
        }
    }
}

extension RuntimeRole {
    init(row: Row) throws(StoreError) {
        let table = "roles"
        self.init(
            id: try row.value("id", in: table),
            tenantID: try row.value("tenant_id", in: table),
            name: try row.value("name", in: table),
            description: try row.value("description", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table)),
            updatedAt: SQLiteTimestamp.date(milliseconds: try row.value("updated_at", in: table))
        )
    }
}
