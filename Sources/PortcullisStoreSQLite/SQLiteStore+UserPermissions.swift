import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: UserPermissionStore {
    public func grantPermission(
        tenantID: String, userID: String, resourceServer: String, permission: String, at: Date,
        events: [DomainEvent]
    ) async throws -> Bool {
        guard !resourceServer.isEmpty, !permission.isEmpty else {
            throw StoreError.invalidInput("grant permission: the resource server or permission is empty")
        }
        let createdAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("grant permission", events: events, when: { $0 }) { db in
            try db.requireUser(tenantID: tenantID, userID: userID, during: "grant permission")
            // OR IGNORE: an existing grant hits the primary key and keeps its first time.
            try db.execute(sql: """
                INSERT OR IGNORE INTO user_permissions (tenant_id, user_id, resource_server, permission, created_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [tenantID, userID, resourceServer, permission, createdAt])
            return db.changesCount > 0
        }
    }

    public func revokePermission(tenantID: String, userID: String, resourceServer: String, permission: String, events: [DomainEvent]) async throws -> Bool {
        try await write("revoke permission", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                DELETE FROM user_permissions
                WHERE tenant_id = ? AND user_id = ? AND resource_server = ? AND permission = ?
                """, arguments: [tenantID, userID, resourceServer, permission])
            return db.changesCount > 0
        }
    }

    public func permissions(tenantID: String, userID: String) async throws -> [UserPermission] {
        try await read("list user permissions") { db in
            // The primary key's order: no sort step.
            try Row.fetchAll(db, sql: """
                SELECT tenant_id, user_id, resource_server, permission, created_at FROM user_permissions
                WHERE tenant_id = ? AND user_id = ?
                ORDER BY resource_server, permission
                """, arguments: [tenantID, userID])
            .map(UserPermission.init(row:))
        }
    }
}

extension UserPermission {
    init(row: Row) throws(StoreError) {
        let table = "user_permissions"
        self.init(
            tenantID: try row.value("tenant_id", in: table),
            userID: try row.value("user_id", in: table),
            resourceServer: try row.value("resource_server", in: table),
            permission: try row.value("permission", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table))
        )
    }
}
