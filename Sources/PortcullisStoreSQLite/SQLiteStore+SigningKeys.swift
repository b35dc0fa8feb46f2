import GRDB
import PortcullisStore

extension SQLiteStore: SigningKeyStore {
    public func generatedKeys(tenantID: String) async throws -> [StoredSigningKey] {
        try await read("read generated signing keys") { db in
            try Row.fetchAll(db, sql: """
                SELECT tenant_id, kid, algorithm, private_key_pem, created_at
                FROM signing_keys
                WHERE tenant_id = ? AND origin = 'generated'
                ORDER BY created_at, rowid
                """, arguments: [tenantID])
            .map(StoredSigningKey.init(row:))
        }
    }

    public func insertGeneratedKeyIfAbsent(_ key: StoredSigningKey) async throws -> StoredSigningKey {
        let createdAt = try SQLiteTimestamp.milliseconds(key.createdAt)
        return try await write("store generated signing key") { db in
            // ON CONFLICT DO NOTHING makes "insert unless present" one statement inside one write
            // transaction: a racing replica either committed first (we read its key back) or
            // waits for us. It covers both the primary key and the one-per-algorithm index.
            try db.execute(sql: """
                INSERT INTO signing_keys (tenant_id, kid, algorithm, private_key_pem, created_at, origin)
                VALUES (?, ?, ?, ?, ?, 'generated')
                ON CONFLICT DO NOTHING
                """, arguments: [key.tenantID, key.kid, key.algorithm, key.privateKeyPEM, createdAt])
            let stored = try Row.fetchOne(db, sql: """
                SELECT tenant_id, kid, algorithm, private_key_pem, created_at
                FROM signing_keys
                WHERE tenant_id = ? AND algorithm = ? AND origin = 'generated'
                """, arguments: [key.tenantID, key.algorithm])
            guard let stored else {
                // Nothing for this algorithm, so the insert was skipped because of the kid.
                throw StoreError.conflict(
                    "tenant \(key.tenantID) already has a signing key with kid \(key.kid) for another algorithm")
            }
            return try StoredSigningKey(row: stored)
        }
    }
}

extension StoredSigningKey {
    init(row: Row) throws(StoreError) {
        self.init(
            tenantID: try row.value("tenant_id", in: "signing_keys"),
            kid: try row.value("kid", in: "signing_keys"),
            algorithm: try row.value("algorithm", in: "signing_keys"),
            privateKeyPEM: try row.value("private_key_pem", in: "signing_keys"),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: "signing_keys"))
        )
    }
}
