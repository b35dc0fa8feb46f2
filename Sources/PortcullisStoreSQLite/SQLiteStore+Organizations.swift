import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: OrganizationStore {
    /// The organization columns, qualified with the alias `o`; ``Organization/init(row:)`` reads them.
    private static let organizationColumns = """
        o.tenant_id, o.id, o.name, o.display_name, o.metadata_json, o.logo_url, o.primary_color, o.page_background, o.created_at
        """

    public func createOrganization(_ organization: Organization, connections: [OrganizationConnection],
                                   events: [DomainEvent]) async throws {
        try Self.validate(organization)
        guard connections.allSatisfy({ $0.tenantID == organization.tenantID && $0.organizationID == organization.id }) else {
            throw StoreError.invalidInput("create organization: an enabled connection names another organization")
        }
        let createdAt = try SQLiteTimestamp.milliseconds(organization.createdAt)
        let connectionRows = try connections.map(ConnectionRow.init)
        do {
            try await write("create organization", events: events) { db in
                try db.execute(sql: """
                    INSERT INTO organizations (tenant_id, id, name, display_name, metadata_json, logo_url, primary_color,
                                               page_background, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        organization.tenantID, organization.id, organization.name, organization.displayName,
                        organization.metadataJSON, organization.branding.logoURL, organization.branding.primaryColor,
                        organization.branding.pageBackground, createdAt,
                    ])
                for row in connectionRows { try row.insert(into: db) }
            }
        } catch StoreError.conflict {
            throw StoreError.conflict(
                "create organization: the tenant already has an organization named \(organization.name) or with this id")
        }
    }

    public func updateOrganization(_ organization: Organization, events: [DomainEvent]) async throws -> Bool {
        try Self.validate(organization)
        do {
            return try await write("update organization", events: events, when: { $0 }) { db in
                try db.execute(sql: """
                    UPDATE organizations SET name = ?, display_name = ?, metadata_json = ?, logo_url = ?, primary_color = ?,
                                             page_background = ?
                    WHERE tenant_id = ? AND id = ?
                    """, arguments: [
                        organization.name, organization.displayName, organization.metadataJSON, organization.branding.logoURL,
                        organization.branding.primaryColor, organization.branding.pageBackground,
                        organization.tenantID, organization.id,
                    ])
                return db.changesCount > 0
            }
        } catch StoreError.conflict {
            throw StoreError.conflict("update organization: the tenant already has an organization named \(organization.name)")
        }
    }

    public func organizations(tenantID: String, offset: Int, limit: Int) async throws -> [Organization] {
        try Self.requirePage(offset: offset, limit: limit, during: "list organizations")
        return try await read("list organizations") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.organizationColumns) FROM organizations o WHERE o.tenant_id = ?
                ORDER BY o.name, o.id LIMIT ? OFFSET ?
                """, arguments: [tenantID, limit, offset])
            .map(Organization.init(row:))
        }
    }

    public func organizations(tenantID: String, afterID: String?, limit: Int) async throws -> [Organization] {
        try Self.requirePage(offset: 0, limit: limit, during: "list organizations")
        return try await read("list organizations") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.organizationColumns) FROM organizations o WHERE o.tenant_id = ? AND o.id > ?
                ORDER BY o.id LIMIT ?
                """, arguments: [tenantID, afterID ?? "", limit])
            .map(Organization.init(row:))
        }
    }

    public func organizationCount(tenantID: String) async throws -> Int {
        try await read("count organizations") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM organizations WHERE tenant_id = ?", arguments: [tenantID]) ?? 0
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

extension SQLiteStore {
    public func memberUsers(tenantID: String, organizationID: String, after: String?, offset: Int,
                            limit: Int) async throws -> [User] {
        try Self.requirePage(offset: offset, limit: limit, during: "list organization members")
        return try await read("list organization members") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(SQLiteUserRows.columns) FROM users
                WHERE tenant_id = ? AND linked_to IS NULL AND id > ?
                  AND id IN (SELECT user_id FROM organization_members WHERE tenant_id = ? AND organization_id = ?)
                ORDER BY id LIMIT ? OFFSET ?
                """, arguments: [tenantID, after ?? "", tenantID, organizationID, limit, offset])
            .map(User.init(row:))
        }
    }

    public func memberCount(tenantID: String, organizationID: String) async throws -> Int {
        try await read("count organization members") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM organization_members WHERE tenant_id = ? AND organization_id = ?
                """, arguments: [tenantID, organizationID]) ?? 0
        }
    }

    private static func validate(_ organization: Organization) throws {
        guard Organization.isValidName(organization.name) else {
            throw StoreError.invalidInput(
                "an organization name must be 1 to 50 lowercase letters, digits, '-' or '_'")
        }
        try StoredJSON.requireObject(organization.metadataJSON, field: "organization metadata")
    }

    static func requirePage(offset: Int, limit: Int, during operation: String) throws(StoreError) {
        guard (1...100).contains(limit), offset >= 0 else {
            throw .invalidInput("\(operation): limit must be 1 to 100 and offset not negative")
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
            branding: OrganizationBranding(logoURL: try row.value("logo_url", in: table),
                                           primaryColor: try row.value("primary_color", in: table),
                                           pageBackground: try row.value("page_background", in: table)),
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
