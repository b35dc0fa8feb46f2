import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: CredentialStore {
    public func setPassword(_ credential: PasswordCredential, events: [DomainEvent]) async throws {
        let updatedAt = try SQLiteTimestamp.milliseconds(credential.updatedAt)
        try await write("set password", events: events) { db in
            try db.requireUser(tenantID: credential.tenantID, userID: credential.userID, during: "set password")
            try db.execute(sql: """
                INSERT INTO password_credentials (tenant_id, user_id, hash, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
                """, arguments: [credential.tenantID, credential.userID, credential.hash, updatedAt])
        }
    }

    public func password(tenantID: String, userID: String) async throws -> PasswordCredential? {
        try await read("read password") { db in
            try Row.fetchOne(db, sql: """
                SELECT tenant_id, user_id, hash, updated_at FROM password_credentials
                WHERE tenant_id = ? AND user_id = ?
                """, arguments: [tenantID, userID])
            .map(PasswordCredential.init(row:))
        }
    }

    public func deletePassword(tenantID: String, userID: String) async throws -> Bool {
        try await write("delete password") { db in
            try db.execute(sql: "DELETE FROM password_credentials WHERE tenant_id = ? AND user_id = ?",
                           arguments: [tenantID, userID])
            return db.changesCount > 0
        }
    }
}

extension PasswordCredential {
    init(row: Row) throws(StoreError) {
        self.init(
            tenantID: try row.value("tenant_id", in: "password_credentials"),
            userID: try row.value("user_id", in: "password_credentials"),
            hash: try row.value("hash", in: "password_credentials"),
            updatedAt: SQLiteTimestamp.date(milliseconds: try row.value("updated_at", in: "password_credentials"))
        )
    }
}
