import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: RoleAssignmentStore {
    public func assignRole(
        tenantID: String, userID: String, role: String, organizationID: String?, at: Date, events: [DomainEvent]
    ) async throws -> Bool {
        guard !role.isEmpty else {
            throw StoreError.invalidInput("assign role: the role name is empty")
        }
        let createdAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("assign role", events: events, when: { $0 }) { db in
            try db.requireUser(tenantID: tenantID, userID: userID, during: "assign role")
            if let organizationID {
                let member = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM organization_members
                                   WHERE tenant_id = ? AND organization_id = ? AND user_id = ?)
                    """, arguments: [tenantID, organizationID, userID]) ?? false
                guard member else {
                    throw StoreError.invalidInput("assign role: the user is not a member of the organization")
                }
            }
            // OR IGNORE: an existing assignment hits one of the two partial unique indexes.
            try db.execute(sql: """
                INSERT OR IGNORE INTO role_assignments (tenant_id, user_id, role, organization_id, created_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [tenantID, userID, role, organizationID, createdAt])
            return db.changesCount > 0
        }
    }

    public func unassignRole(tenantID: String, userID: String, role: String, organizationID: String?, events: [DomainEvent]) async throws -> Bool {
        try await write("unassign role", events: events, when: { $0 }) { db in
            // `IS` compares NULL with NULL as equal: one statement for both kinds of assignment.
            try db.execute(sql: """
                DELETE FROM role_assignments
                WHERE tenant_id = ? AND user_id = ? AND role = ? AND organization_id IS ?
                """, arguments: [tenantID, userID, role, organizationID])
            return db.changesCount > 0
        }
    }

    public func roleAssignments(tenantID: String, userID: String) async throws -> [RoleAssignment] {
        try await read("list role assignments") { db in
            // Tenant-wide assignments (NULL) sort before organization ones for the same role.
            try Row.fetchAll(db, sql: """
                SELECT tenant_id, user_id, role, organization_id, created_at FROM role_assignments
                WHERE tenant_id = ? AND user_id = ?
                ORDER BY role, organization_id
                """, arguments: [tenantID, userID])
            .map(RoleAssignment.init(row:))
        }
    }
}

extension RoleAssignment {
    init(row: Row) throws(StoreError) {
        let table = "role_assignments"
        self.init(
            tenantID: try row.value("tenant_id", in: table),
            userID: try row.value("user_id", in: table),
            role: try row.value("role", in: table),
            organizationID: try row.value("organization_id", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table))
        )
    }
}
