import Foundation
import GRDB
import PortcullisStore

/// The connections enabled per organization.
extension SQLiteStore {
    public func enabledConnections(tenantID: String, organizationID: String) async throws -> [OrganizationConnection] {
        try await read("list organization connections") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(ConnectionRow.columns) FROM organization_connections
                WHERE tenant_id = ? AND organization_id = ? ORDER BY connection
                """, arguments: [tenantID, organizationID])
            .map(OrganizationConnection.init(row:))
        }
    }

    public func enableConnection(_ connection: OrganizationConnection, events: [DomainEvent]) async throws -> Bool {
        let row = try ConnectionRow(connection)
        return try await write("enable organization connection", events: events, when: { $0 }) { db in
            try db.requireOrganization(tenantID: connection.tenantID, id: connection.organizationID,
                                       during: "enable organization connection")
            return try row.insert(into: db, ignoringExisting: true)
        }
    }

    public func updateEnabledConnection(_ connection: OrganizationConnection, events: [DomainEvent]) async throws -> Bool {
        try await write("update organization connection", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                UPDATE organization_connections SET assign_membership_on_login = ?, show_as_button = ?, is_signup_enabled = ?
                WHERE tenant_id = ? AND organization_id = ? AND connection = ?
                """, arguments: [
                    connection.assignMembershipOnLogin, connection.showAsButton, connection.isSignupEnabled,
                    connection.tenantID, connection.organizationID, connection.connection,
                ])
            return db.changesCount > 0
        }
    }

    public func disableConnection(tenantID: String, organizationID: String, connection: String,
                                  events: [DomainEvent]) async throws -> Bool {
        try await write("disable organization connection", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                DELETE FROM organization_connections WHERE tenant_id = ? AND organization_id = ? AND connection = ?
                """, arguments: [tenantID, organizationID, connection])
            return db.changesCount > 0
        }
    }
}

/// An `organization_connections` row, encoded before the transaction (creating an organization
/// inserts them too).
struct ConnectionRow: Sendable {
    static let columns = """
        tenant_id, organization_id, connection, assign_membership_on_login, show_as_button, is_signup_enabled, created_at
        """
    let connection: OrganizationConnection
    let createdAt: Int64

    init(_ connection: OrganizationConnection) throws {
        guard !connection.connection.isEmpty else {
            throw StoreError.invalidInput("enable organization connection: the connection name is empty")
        }
        self.connection = connection
        createdAt = try SQLiteTimestamp.milliseconds(connection.createdAt)
    }

    /// - Returns: whether a row was inserted (`false` only when `ignoringExisting` met one).
    @discardableResult
    func insert(into db: Database, ignoringExisting: Bool = false) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO organization_connections (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)
            \(ignoringExisting ? "ON CONFLICT (tenant_id, organization_id, connection) DO NOTHING" : "")
            """, arguments: [
                connection.tenantID, connection.organizationID, connection.connection, connection.assignMembershipOnLogin,
                connection.showAsButton, connection.isSignupEnabled, createdAt,
            ])
        return db.changesCount > 0
    }
}

extension OrganizationConnection {
    init(row: Row) throws(StoreError) {
        let table = "organization_connections"
        self.init(
            tenantID: try row.value("tenant_id", in: table),
            organizationID: try row.value("organization_id", in: table),
            connection: try row.value("connection", in: table),
            assignMembershipOnLogin: try row.value("assign_membership_on_login", in: table),
            showAsButton: try row.value("show_as_button", in: table),
            isSignupEnabled: try row.value("is_signup_enabled", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table))
        )
    }
}
