import Foundation
import GRDB
import PortcullisStore
import PortcullisStoreSQLite
import Testing

/// Upgrading a database from before users existed (v2) to the newest schema.
@Suite("SQLite migrations: users, sessions, email tokens")
struct SQLiteUserMigrationTests {
    @Test func upgradesAVersion2DatabaseKeepingItsData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("v2.sqlite")
            do {
                let pool = try DatabasePool(path: path)
                try SQLiteMigrations.migrate(pool, upTo: "v2_audit_events")
                try await pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO signing_keys (tenant_id, kid, algorithm, private_key_pem, created_at)
                        VALUES ('acme', 'kept-kid', 'ES256', 'kept-pem', 1700000000000);
                        INSERT INTO audit_events (id, tenant_id, type, occurred_at, actor, details_json)
                        VALUES ('evt_kept', 'acme', 'config.reloaded', 1700000001000, 'system', '{"files":"2"}');
                        """)
                }
                #expect(try await pool.read { try $0.tableExists("users") } == false)
            }

            let store = try SQLiteStore.open(path: path)
            #expect(store.schemaVersion == SQLiteMigrations.latest)
            #expect(try await store.generatedKeys(tenantID: "acme").map(\.kid) == ["kept-kid"])
            let events = try await store.recent(tenantID: "acme", limit: 10)
            #expect(events.map(\.id) == ["evt_kept"])
            #expect(events.first?.details == ["files": "2"])

            // The new tables exist, cascade, and hold what a login needs.
            let user = User(tenantID: "acme", connection: "database", email: "ann@example.com", createdAt: Date())
            try await store.create(user)
            try await store.setPassword(PasswordCredential(
                tenantID: "acme", userID: user.id, hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", updatedAt: Date()))
            let digest = String(repeating: "ab", count: 32)
            try await store.createSession(Session(
                digest: digest, tenantID: "acme", userID: user.id, createdAt: Date(), amr: ["pwd"],
                idleExpiresAt: Date().addingTimeInterval(600), absoluteExpiresAt: Date().addingTimeInterval(3600)))
            #expect(try await store.session(tenantID: "acme", digest: digest, now: Date())?.userID == user.id)
            try await store.createEmailToken(EmailToken(
                digest: String(repeating: "cd", count: 32), tenantID: "acme", userID: user.id,
                purpose: .verifyEmail, expiresAt: Date().addingTimeInterval(600)))
            #expect(try await store.delete(tenantID: "acme", id: user.id))
        }
    }

    @Test func theUserTablesEnforceForeignKeysAndHaveTheirIndexes() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(path: directory.file("schema.sqlite"))
            #expect(try await store.connectionSettings().foreignKeysEnabled)
            let queue = try DatabaseQueue(path: directory.file("schema.sqlite"))
            let indexes = try await queue.read { db in
                try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'index' AND tbl_name IN ('users', 'sessions', 'email_tokens') AND sql IS NOT NULL
                    ORDER BY name
                    """)
            }
            #expect(indexes == [
                "email_tokens_by_expiry", "email_tokens_by_user",
                "sessions_by_expiry", "sessions_by_revocation", "sessions_by_user",
                "users_by_email", "users_by_primary", "users_by_tenant_and_creation", "users_unique_email", "users_unique_username",
            ])
            // The expiry sweep must use its expression index rather than scan every session.
            let plan = try await queue.read { db in
                try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN DELETE FROM sessions
                    WHERE min(idle_expires_at, absolute_expires_at) <= 1 OR revoked_at <= 1
                    """).map { $0["detail"] as String? ?? "" }
            }
            #expect(plan.contains { $0.contains("sessions_by_expiry") }, "plan: \(plan)")
        }
    }
}
