import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: EmailTokenStore {
    private static let emailTokenColumns = "digest, tenant_id, user_id, purpose, expires_at, used_at"

    public func createEmailToken(_ token: EmailToken) async throws {
        try SHA256HexDigest.require(token.digest, for: "an email token")
        let expiresAt = try SQLiteTimestamp.milliseconds(token.expiresAt)
        let usedAt = try token.usedAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
        try await write("create email token") { db in
            try db.requireUser(tenantID: token.tenantID, userID: token.userID, during: "create email token")
            try db.execute(sql: """
                INSERT INTO email_tokens (digest, tenant_id, user_id, purpose, expires_at, used_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [token.digest, token.tenantID, token.userID, token.purpose.rawValue, expiresAt, usedAt])
        }
    }

    public func consumeEmailToken(
        tenantID: String, digest: String, purpose: EmailTokenPurpose, now: Date
    ) async throws -> EmailToken? {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await write("consume email token") { db in
            // Check and mark in one statement: `used_at IS NULL` lets only the first of racing
            // consumers match, and RETURNING hands the token to that one alone.
            try Row.fetchOne(db, sql: """
                UPDATE email_tokens SET used_at = ?
                WHERE digest = ? AND tenant_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
                RETURNING \(Self.emailTokenColumns)
                """, arguments: [now, digest, tenantID, purpose.rawValue, now])
            .map(EmailToken.init(row:))
        }
    }

    public func deleteUnusedEmailTokens(
        tenantID: String, userID: String, purpose: EmailTokenPurpose
    ) async throws -> Int {
        try await write("delete unused email tokens") { db in
            try db.execute(sql: """
                DELETE FROM email_tokens WHERE tenant_id = ? AND user_id = ? AND purpose = ? AND used_at IS NULL
                """, arguments: [tenantID, userID, purpose.rawValue])
            return db.changesCount
        }
    }

    public func deleteExpiredEmailTokens(before: Date) async throws -> Int {
        let before = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete expired email tokens") { db in
            try db.execute(sql: "DELETE FROM email_tokens WHERE expires_at <= ?", arguments: [before])
            return db.changesCount
        }
    }
}

extension EmailToken {
    init(row: Row) throws(StoreError) {
        let purposeText: String = try row.value("purpose", in: "email_tokens")
        guard let purpose = EmailTokenPurpose(rawValue: purposeText) else {
            // Probably written by a newer version that knows more purposes.
            throw .corruptRecord("email_tokens.purpose holds a purpose this version does not know")
        }
        let usedAt: Int64? = try row.value("used_at", in: "email_tokens")
        self.init(
            digest: try row.value("digest", in: "email_tokens"),
            tenantID: try row.value("tenant_id", in: "email_tokens"),
            userID: try row.value("user_id", in: "email_tokens"),
            purpose: purpose,
            expiresAt: SQLiteTimestamp.date(milliseconds: try row.value("expires_at", in: "email_tokens")),
            usedAt: usedAt.map(SQLiteTimestamp.date(milliseconds:))
        )
    }
}
