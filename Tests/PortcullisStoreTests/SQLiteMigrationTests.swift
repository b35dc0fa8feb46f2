import Foundation
import GRDB
import PortcullisStore
import PortcullisStoreSQLite
import Testing

@Suite("SQLite migrations")
struct SQLiteMigrationTests {
    @Test func migrationIDsAreVersionedAndInOrder() {
        #expect(SQLiteMigrations.identifiers == [
            "v1_signing_keys", "v2_audit_events", "v3_users", "v4_sessions", "v5_email_tokens",
            "v6_oauth_grants", "v7_organizations", "v8_user_permissions", "v9_audit_event_context", "v10_users_by_email",
            "v11_audit_event_retention", "v12_linked_identities", "v13_runtime_roles", "v14_organization_details", "v15_organization_invitations",
            "v16_webhook_outbox", "v17_code_hook_claims", "v18_paused_logins", "v19_single_use_markers",
        ])
        #expect(SQLiteMigrations.latest == "v19_single_use_markers")
    }

    @Test func upgradesADatabaseLeftByAnOlderVersion() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("old.sqlite")
            // Build the file as the version that only knew v1 left it, with a key in it.
            do {
                let pool = try DatabasePool(path: path)
                try SQLiteMigrations.migrate(pool, upTo: "v1_signing_keys")
                try await pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO signing_keys (tenant_id, kid, algorithm, private_key_pem, created_at)
                        VALUES ('acme', 'old-kid', 'ES256', 'old-pem', 1700000000000)
                        """)
                }
                #expect(try SQLiteMigrations.appliedMigrations(pool) == ["v1_signing_keys"])
                #expect(try await pool.read { try $0.tableExists("audit_events") } == false)
            }

            let store = try SQLiteStore.open(path: path)
            #expect(store.schemaVersion == SQLiteMigrations.latest)
            let keys = try await store.generatedKeys(tenantID: "acme")
            #expect(keys == [StoredSigningKey(
                tenantID: "acme", kid: "old-kid", algorithm: "ES256", privateKeyPEM: "old-pem",
                createdAt: Date(timeIntervalSince1970: 1_700_000_000))])
            // The new table exists and works.
            try await store.append(AuditEvent(tenantID: "acme", type: "store.upgraded"))
            #expect(try await store.recent(tenantID: "acme", limit: 5).count == 1)
        }
    }

    @Test func refusesADatabaseMigratedByANewerVersion() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("newer.sqlite")
            do {
                let store = try SQLiteStore.open(path: path)
                try await store.append(AuditEvent(tenantID: nil, type: "test.before_upgrade"))
            }
            // Simulate a newer Portcullis that applied a migration this build does not know.
            do {
                let queue = try DatabaseQueue(path: path)
                try await queue.write { db in
                    try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99_from_the_future')")
                }
            }
            let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
            #expect(error == .databaseNewerThanProgram(
                knownMigrations: SQLiteMigrations.identifiers, found: ["v99_from_the_future"]))
            #expect(error.description.contains("v99_from_the_future"))
        }
    }

    @Test func anUnknownTargetIsAnErrorNotACrash() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory.file("target.sqlite"))
            let error = try #require(throws: StoreError.self) {
                try SQLiteMigrations.migrate(pool, upTo: "v7_nonexistent")
            }
            guard case .migrationFailed(let reason) = error else {
                Issue.record("expected migrationFailed, got \(error)")
                return
            }
            #expect(reason.contains("v7_nonexistent"))
        }
    }

    @Test func migratingBackwardsIsAnErrorNotACrash() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try DatabasePool(path: directory.file("backwards.sqlite"))
            try SQLiteMigrations.migrate(pool)
            let error = try #require(throws: StoreError.self) {
                try SQLiteMigrations.migrate(pool, upTo: "v1_signing_keys")
            }
            #expect(error == .migrationFailed(
                "the database is already migrated past v1_signing_keys (to \(SQLiteMigrations.latest))"))
        }
    }
}
