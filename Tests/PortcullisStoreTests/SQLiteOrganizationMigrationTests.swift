import Foundation
import GRDB
import PortcullisStore
import PortcullisStoreSQLite
import Testing

/// Upgrading to v14, where only the connections enabled for an organization may log in to it.
@Suite("SQLite migrations: organization branding and enabled connections")
struct SQLiteOrganizationMigrationTests {
    @Test func existingOrganizationsKeepEveryConnectionTheirTenantsUsersHave() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("v13.sqlite")
            do {
                let pool = try DatabasePool(path: path)
                try SQLiteMigrations.migrate(pool, upTo: "v13_runtime_roles")
                try await pool.write { db in
                    for (tenant, id, connection, email) in [
                        ("acme", "u1", "users", "ann@example.com"), ("acme", "u2", "partners", "bob@example.com"),
                        ("acme", "u3", "users", "cy@example.com"), ("globex", "u4", "staff", "di@example.com"),
                    ] {
                        try db.execute(sql: """
                            INSERT INTO users (tenant_id, id, connection, email, email_key, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, 1700000000000, 1700000000000)
                            """, arguments: [tenant, id, connection, email, email])
                    }
                    try db.execute(sql: """
                        INSERT INTO organizations (tenant_id, id, name, metadata_json, created_at)
                        VALUES ('acme', 'org_a', 'acme-corp', '{}', 1700000000000)
                        """)
                }
            }
            let store = try SQLiteStore.open(path: path)
            let enabled = try await store.enabledConnections(tenantID: "acme", organizationID: "org_a")
            #expect(enabled.map(\.connection) == ["partners", "users"])
            #expect(enabled.allSatisfy { !$0.assignMembershipOnLogin && $0.showAsButton && !$0.isSignupEnabled })
            #expect(try await store.organization(tenantID: "acme", id: "org_a")?.branding == OrganizationBranding())
        }
    }
}
