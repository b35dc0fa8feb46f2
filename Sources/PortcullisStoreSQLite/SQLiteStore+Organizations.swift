import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: OrganizationStore {
    /// The organization columns, qualified with the alias `o`; ``Organization/init(row:)`` reads them.
    private static let organizationColumns = "o.tenant_id, o.id, o.name, o.display_name, o.metadata_json, o.created_at"

    public func createOrganization(_ organization: Organization, events: [DomainEvent]) async throws {
        guard Organization.isValidName(organization.name) else {
            throw StoreError.invalidInput(
                "an organization name must be 1 to 50 lowercase letters, digits, '-' or '_'")
        }
        try StoredJSON.requireObject(organization.metadataJSON, field: "organization metadata")
        let createdAt = try SQLiteTimestamp.milliseconds(organization.createdAt)
        do {
            try await write("create organization", events: events) { db in
                try db.execute(sql: """
                    INSERT INTO organizations (tenant_id, id, name, display_name, metadata_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        organization.tenantID, organization.id, organization.name, organization.displayName,
                        organization.metadataJSON, createdAt,
                    ])
            }
        } catch StoreError.conflict {
            throw StoreError.conflict(
                "create organization: the tenant already has an organization named \(organization.name) or with this id")
        }
    }

    public func organization(tenantID: String, id: String) async throws -> Organization? {
        try await read("read organization") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.organizationColumns) FROM organizations o WHERE o.tenant_id = ? AND o.id = ?
                """, arguments: [tenantID, id])
            .map(Organization.init(row:))
        }
    }

    public func organization(tenantID: String, name: String) async throws -> Organization? {
        try await read("find organization by name") { db in
            // The column's NOCASE collation makes this comparison case-insensitive.
            try Row.fetchOne(db, sql: """
                SELECT \(Self.organizationColumns) FROM organizations o WHERE o.tenant_id = ? AND o.name = ?
                """, arguments: [tenantID, name])
            .map(Organization.init(row:))
        }
    }

    public func organizations(tenantID: String) async throws -> [Organization] {
        try await read("list organizations") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.organizationColumns) FROM organizations o WHERE o.tenant_id = ? ORDER BY o.name, o.id
                """, arguments: [tenantID])
            .map(Organization.init(row:))
        }
    }

    public func deleteOrganization(tenantID: String, id: String, events: [DomainEvent]) async throws -> Bool {
        // Foreign keys with ON DELETE CASCADE remove the memberships, and through them the
        // organization's role assignments, in the same transaction.
        try await write("delete organization", events: events, when: { $0 }) { db in
            try db.execute(sql: "DELETE FROM organizations WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            return db.changesCount > 0
        }
    }

    public func addMember(tenantID: String, organizationID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Bool {
        let createdAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("add organization member", events: events, when: { $0 }) { db in
            try db.requireUser(tenantID: tenantID, userID: userID, during: "add organization member")
            try db.requireOrganization(tenantID: tenantID, id: organizationID, during: "add organization member")
            try db.execute(sql: """
                INSERT INTO organization_members (tenant_id, organization_id, user_id, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, organization_id, user_id) DO NOTHING
                """, arguments: [tenantID, organizationID, userID, createdAt])
            return db.changesCount > 0
        }
    }

    public func removeMember(tenantID: String, organizationID: String, userID: String, events: [DomainEvent]) async throws -> Bool {
        // The user's role assignments in the organization reference the membership and go with it.
        try await write("remove organization member", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                DELETE FROM organization_members WHERE tenant_id = ? AND organization_id = ? AND user_id = ?
                """, arguments: [tenantID, organizationID, userID])
            return db.changesCount > 0
        }
    }

    public func isMember(tenantID: String, organizationID: String, userID: String) async throws -> Bool {
        try await read("check organization membership") { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM organization_members
                               WHERE tenant_id = ? AND organization_id = ? AND user_id = ?)
                """, arguments: [tenantID, organizationID, userID]) ?? false
        }
    }

    public func members(tenantID: String, organizationID: String) async throws -> [OrganizationMembership] {
        try await read("list organization members") { db in
            try Row.fetchAll(db, sql: """
                SELECT tenant_id, organization_id, user_id, created_at FROM organization_members
                WHERE tenant_id = ? AND organization_id = ?
                ORDER BY created_at, user_id
                """, arguments: [tenantID, organizationID])
            .map(OrganizationMembership.init(row:))
        }
    }

    public func organizations(tenantID: String, userID: String) async throws -> [Organization] {
        try await read("list organizations of user") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.organizationColumns)
                FROM organization_members m JOIN organizations o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id
                WHERE m.tenant_id = ? AND m.user_id = ?
                ORDER BY o.name, o.id
                """, arguments: [tenantID, userID])
            .map(Organization.init(row:))
        }
    }
}

extension Database {
    /// Throws unless `tenantID` has an organization `id`; see ``requireUser(tenantID:userID:during:)``.
    func requireOrganization(tenantID: String, id: String, during operation: String) throws {
        let exists = try Bool.fetchOne(self, sql: """
            SELECT EXISTS (SELECT 1 FROM organizations WHERE tenant_id = ? AND id = ?)
            """, arguments: [tenantID, id]) ?? false
        guard exists else {
            throw StoreError.invalidInput("\(operation): the organization does not exist in this tenant")
        }
    }
}

extension Organization {
    init(row: Row) throws(StoreError) {
        let table = "organizations"
        self.init(
            id: try row.value("id", in: table),
            tenantID: try row.value("tenant_id", in: table),
            name: try row.value("name", in: table),
            displayName: try row.value("display_name", in: table),
            metadataJSON: try row.value("metadata_json", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table))
        )
    }
}

extension OrganizationMembership {
    init(row: Row) throws(StoreError) {
        let table = "organization_members"
        self.init(
            tenantID: try row.value("tenant_id", in: table),
            organizationID: try row.value("organization_id", in: table),
            userID: try row.value("user_id", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table))
        )
    }
}
