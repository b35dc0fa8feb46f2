import Foundation
import GRDB
import PortcullisStore
import PortcullisStoreSQLite
import Testing

/// Upgrading a database from before OAuth grants and organizations (v5) to the newest schema.
@Suite("SQLite migrations: codes, refresh tokens, organizations, roles")
struct SQLiteGrantMigrationTests {
    @Test func upgradesAVersion5DatabaseKeepingItsUsers() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("v5.sqlite")
            let user = User(tenantID: "acme", connection: "database", email: "ann@example.com",
                            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
            do {
                let pool = try DatabasePool(path: path)
                try SQLiteMigrations.migrate(pool, upTo: "v5_email_tokens")
                try await pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO users (tenant_id, id, connection, email, email_key, created_at, updated_at)
                        VALUES ('acme', ?, 'database', 'ann@example.com', 'ann@example.com', 1700000000000, 1700000000000)
                        """, arguments: [user.id])
                }
                #expect(try await pool.read { try $0.tableExists("organizations") } == false)
            }

            let store = try SQLiteStore.open(path: path)
            #expect(store.schemaVersion == SQLiteMigrations.latest)
            #expect(try await store.user(tenantID: "acme", id: user.id)?.email == "ann@example.com")
            let organization = Organization(tenantID: "acme", name: "acme-corp", createdAt: Date())
            try await store.createOrganization(organization)
            #expect(try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: user.id, at: Date()))
            #expect(try await store.assignRole(tenantID: "acme", userID: user.id, role: "admin",
                                               organizationID: organization.id, at: Date()))
            #expect(try await store.delete(tenantID: "acme", id: user.id))
            #expect(try await store.members(tenantID: "acme", organizationID: organization.id).isEmpty)
        }
    }

    @Test func theNewTablesHaveTheirIndexesAndTheSweepsUseThem() async throws {
        try await withTemporaryDirectory { directory in
            _ = try SQLiteStore.open(path: directory.file("schema.sqlite"))
            let queue = try DatabaseQueue(path: directory.file("schema.sqlite"))
            let indexes = try await queue.read { db in
                try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (
                        'authorization_codes', 'refresh_tokens', 'revoked_token_families',
                        'organizations', 'organization_members', 'role_assignments')
                    ORDER BY name
                    """)
            }
            #expect(indexes == [
                "authorization_codes_by_expiry", "authorization_codes_by_user",
                "organization_members_by_user", "organizations_unique_name",
                "refresh_tokens_by_expiry", "refresh_tokens_by_family", "refresh_tokens_by_revocation",
                "refresh_tokens_by_user", "revoked_token_families_by_time",
                "role_assignments_by_role", "role_assignments_by_user", "role_assignments_unique_in_organization",
                "role_assignments_unique_tenant_wide",
            ])
            let plans = try await queue.read { db in
                try [
                    "DELETE FROM refresh_tokens WHERE min(expires_at, absolute_expires_at) <= 1 OR revoked_at <= 1",
                    "DELETE FROM authorization_codes WHERE expires_at <= 1",
                    "SELECT 1 FROM organizations WHERE tenant_id = 'acme' AND name = 'ACME'",
                ].map { sql in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String? ?? "" }
                }
            }
            #expect(plans[0].contains { $0.contains("refresh_tokens_by_expiry") }, "plan: \(plans[0])")
            #expect(plans[1].contains { $0.contains("authorization_codes_by_expiry") }, "plan: \(plans[1])")
            #expect(plans[2].contains { $0.contains("organizations_unique_name") }, "plan: \(plans[2])")
            // Every foreign key of the new tables points at a parent that exists, with matching columns.
            let problems = try queue.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
            #expect(problems.isEmpty)
        }
    }
}
