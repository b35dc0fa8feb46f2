import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: RefreshTokenStore {
    /// The token columns, qualified with the alias `t`; ``RefreshToken/init(row:)`` reads them.
    private static let tokenColumns = """
        t.digest, t.tenant_id, t.client_id, t.user_id, t.family_id, t.scopes_json, t.audience,
        t.organization_id, t.session_digest, t.auth_time, t.amr_json, t.created_at, t.expires_at,
        t.absolute_expires_at, t.used_at, t.revoked_at
        """

    public func createRefreshToken(_ token: RefreshToken) async throws {
        let values = try SQLiteRefreshTokenValues(token)
        try await write("create refresh token") { db in
            try db.requireUser(tenantID: token.tenantID, userID: token.userID, during: "create refresh token")
            try db.insertRefreshToken(token, values)
        }
    }

    public func refreshToken(tenantID: String, digest: String, now: Date) async throws -> RefreshToken? {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await read("read refresh token") { db in
            // The join makes blocking or deleting a user end their tokens at once.
            try Row.fetchOne(db, sql: """
                SELECT \(Self.tokenColumns)
                FROM refresh_tokens t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
                WHERE t.digest = ? AND t.tenant_id = ? AND t.used_at IS NULL AND t.revoked_at IS NULL
                  AND t.expires_at > ? AND t.absolute_expires_at > ? AND u.blocked = 0
                """, arguments: [digest, tenantID, now, now])
            .map(RefreshToken.init(row:))
        }
    }

    public func refreshTokenRecord(tenantID: String, digest: String) async throws -> RefreshToken? {
        try await read("read refresh token record") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.tokenColumns) FROM refresh_tokens t WHERE t.digest = ? AND t.tenant_id = ?
                """, arguments: [digest, tenantID])
            .map(RefreshToken.init(row:))
        }
    }

    public func liveRefreshTokens(tenantID: String, userID: String, now: Date) async throws -> [RefreshToken] {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await read("list refresh tokens") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.tokenColumns) FROM refresh_tokens t
                WHERE t.tenant_id = ? AND t.user_id = ? AND t.used_at IS NULL AND t.revoked_at IS NULL
                  AND t.expires_at > ? AND t.absolute_expires_at > ?
                ORDER BY t.created_at DESC, t.digest
                """, arguments: [tenantID, userID, now, now])
            .map(RefreshToken.init(row:))
        }
    }

    public func rotateRefreshToken(
        tenantID: String, digest: String, now: Date, successor: RefreshToken, events: [DomainEvent]
    ) async throws -> RefreshTokenRotation {
        guard successor.tenantID == tenantID, successor.digest != digest else {
            throw StoreError.invalidInput("rotate refresh token: the successor must be a new token of the same tenant")
        }
        let values = try SQLiteRefreshTokenValues(successor)
        let nowMS = try SQLiteTimestamp.milliseconds(now)
        // One IMMEDIATE transaction: no other writer, in this process or another, can spend the
        // token between the read and the update, so of racing rotations exactly one succeeds.
        return try await write("rotate refresh token", events: events, when: { if case .rotated = $0 { true } else { false } }) { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.tokenColumns), u.blocked AS user_blocked
                FROM refresh_tokens t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
                WHERE t.digest = ? AND t.tenant_id = ?
                """, arguments: [digest, tenantID]) else {
                return .invalid
            }
            var token = try RefreshToken(row: row)
            if token.usedAt != nil {
                // A spent token again: either the client or a thief holds a copy. Which one cannot
                // be told, so the whole family ends (RFC 9700 §4.14.2).
                _ = try db.revokeRefreshTokenFamily(tenantID: tenantID, familyID: token.familyID, at: nowMS)
                token.revokedAt = token.revokedAt ?? SQLiteTimestamp.date(milliseconds: nowMS)
                return .reused(token)
            }
            let blocked: Bool = try row.value("user_blocked", in: "users")
            guard !blocked, token.isActive(at: SQLiteTimestamp.date(milliseconds: nowMS)) else {
                return .invalid
            }
            guard successor.clientID == token.clientID, successor.userID == token.userID,
                  successor.familyID == token.familyID else {
                throw StoreError.invalidInput(
                    "rotate refresh token: the successor must have the client, user and family of the token it replaces")
            }
            try db.execute(sql: "UPDATE refresh_tokens SET used_at = ? WHERE digest = ?", arguments: [nowMS, digest])
            // The family's hard end never moves, and no token outlives it.
            let absoluteExpiresAt = try SQLiteTimestamp.milliseconds(token.absoluteExpiresAt)
            var bounded = values
            bounded.absoluteExpiresAt = absoluteExpiresAt
            bounded.expiresAt = min(values.expiresAt, absoluteExpiresAt)
            try db.insertRefreshToken(successor, bounded)
            token.usedAt = SQLiteTimestamp.date(milliseconds: nowMS)
            return .rotated(token)
        }
    }

    public func revokeRefreshTokenFamily(tenantID: String, familyID: String, at: Date, events: [DomainEvent]) async throws -> Int {
        let revokedAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("revoke refresh token family", events: events, when: { $0 > 0 }) { db in
            try db.revokeRefreshTokenFamily(tenantID: tenantID, familyID: familyID, at: revokedAt)
        }
    }

    public func revokeRefreshTokens(tenantID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Int {
        let revokedAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("revoke refresh tokens of user", events: events, when: { $0 > 0 }) { db in
            try db.revokeRefreshTokens(tenantID: tenantID, userID: userID, at: revokedAt)
        }
    }

    public func isRefreshTokenFamilyRevoked(tenantID: String, familyID: String) async throws -> Bool {
        try await read("check refresh token family") { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM revoked_token_families WHERE tenant_id = ? AND family_id = ?)
                    OR EXISTS (SELECT 1 FROM refresh_tokens
                               WHERE tenant_id = ? AND family_id = ? AND revoked_at IS NOT NULL)
                """, arguments: [tenantID, familyID, tenantID, familyID]) ?? false
        }
    }

    public func deleteExpiredRefreshTokens(before: Date) async throws -> Int {
        let before = try SQLiteTimestamp.milliseconds(before)
        let familiesBefore = try SQLiteTimestamp.milliseconds(
            SQLiteTimestamp.date(milliseconds: before).addingTimeInterval(-RefreshToken.familyRevocationRetention))
        return try await write("delete expired refresh tokens") { db in
            // Written exactly as the refresh_tokens_by_expiry index expression, so SQLite can use it.
            try db.execute(sql: """
                DELETE FROM refresh_tokens
                WHERE min(expires_at, absolute_expires_at) <= ? OR revoked_at <= ?
                """, arguments: [before, before])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM revoked_token_families WHERE revoked_at <= ?", arguments: [familiesBefore])
            return deleted
        }
    }
}

/// The column values of a ``RefreshToken`` that need work (checked digest, JSON, dates), computed
/// before the write transaction starts.
struct SQLiteRefreshTokenValues: Sendable {
    var scopesJSON: String
    var amrJSON: String
    var authTime: Int64
    var createdAt: Int64
    var expiresAt: Int64
    var absoluteExpiresAt: Int64
    var usedAt: Int64?
    var revokedAt: Int64?

    init(_ token: RefreshToken) throws(StoreError) {
        try SHA256HexDigest.require(token.digest, for: "a refresh token")
        scopesJSON = try StoredJSON.encode(strings: token.scopes, field: "refresh token scopes")
        amrJSON = try StoredJSON.encode(strings: token.amr, field: "refresh token amr")
        authTime = try SQLiteTimestamp.milliseconds(token.authTime)
        createdAt = try SQLiteTimestamp.milliseconds(token.createdAt)
        expiresAt = try SQLiteTimestamp.milliseconds(token.expiresAt)
        absoluteExpiresAt = try SQLiteTimestamp.milliseconds(token.absoluteExpiresAt)
        usedAt = try token.usedAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
        revokedAt = try token.revokedAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
    }
}

extension Database {
    func insertRefreshToken(_ token: RefreshToken, _ values: SQLiteRefreshTokenValues) throws {
        try execute(sql: """
            INSERT INTO refresh_tokens (
                digest, tenant_id, client_id, user_id, family_id, scopes_json, audience, organization_id,
                session_digest, auth_time, amr_json, created_at, expires_at, absolute_expires_at,
                used_at, revoked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                token.digest, token.tenantID, token.clientID, token.userID, token.familyID, values.scopesJSON,
                token.audience, token.organizationID, token.sessionDigest, values.authTime, values.amrJSON,
                values.createdAt, values.expiresAt, values.absoluteExpiresAt, values.usedAt, values.revokedAt,
            ])
    }

    /// Revokes the family's tokens and records the family as revoked; returns how many tokens were
    /// newly revoked. The record also covers a grant that has no refresh token at all.
    func revokeRefreshTokenFamily(tenantID: String, familyID: String, at revokedAt: Int64) throws -> Int {
        try execute(sql: """
            INSERT INTO revoked_token_families (tenant_id, family_id, revoked_at) VALUES (?, ?, ?)
            ON CONFLICT (tenant_id, family_id) DO NOTHING
            """, arguments: [tenantID, familyID, revokedAt])
        try execute(sql: """
            UPDATE refresh_tokens SET revoked_at = ? WHERE tenant_id = ? AND family_id = ? AND revoked_at IS NULL
            """, arguments: [revokedAt, tenantID, familyID])
        return changesCount
    }

    /// Revokes every token of the user, and records their families as revoked; returns how many
    /// tokens were newly revoked. Used by ``SQLiteStore/revokeRefreshTokens(tenantID:userID:at:)``
    /// and when a user is blocked.
    func revokeRefreshTokens(tenantID: String, userID: String, at revokedAt: Int64) throws -> Int {
        try execute(sql: """
            INSERT INTO revoked_token_families (tenant_id, family_id, revoked_at)
            SELECT DISTINCT tenant_id, family_id, ? FROM refresh_tokens
            WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL
            ON CONFLICT (tenant_id, family_id) DO NOTHING
            """, arguments: [revokedAt, tenantID, userID])
        try execute(sql: """
            UPDATE refresh_tokens SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL
            """, arguments: [revokedAt, tenantID, userID])
        return changesCount
    }
}

extension RefreshToken {
    init(row: Row) throws(StoreError) {
        let table = "refresh_tokens"
        let usedAt: Int64? = try row.value("used_at", in: table)
        let revokedAt: Int64? = try row.value("revoked_at", in: table)
        self.init(
            digest: try row.value("digest", in: table),
            tenantID: try row.value("tenant_id", in: table),
            clientID: try row.value("client_id", in: table),
            userID: try row.value("user_id", in: table),
            familyID: try row.value("family_id", in: table),
            scopes: try StoredJSON.decodeStrings(try row.value("scopes_json", in: table), field: "\(table).scopes_json"),
            audience: try row.value("audience", in: table),
            organizationID: try row.value("organization_id", in: table),
            sessionDigest: try row.value("session_digest", in: table),
            authTime: SQLiteTimestamp.date(milliseconds: try row.value("auth_time", in: table)),
            amr: try StoredJSON.decodeStrings(try row.value("amr_json", in: table), field: "\(table).amr_json"),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table)),
            expiresAt: SQLiteTimestamp.date(milliseconds: try row.value("expires_at", in: table)),
            absoluteExpiresAt: SQLiteTimestamp.date(milliseconds: try row.value("absolute_expires_at", in: table)),
            usedAt: usedAt.map(SQLiteTimestamp.date(milliseconds:)),
            revokedAt: revokedAt.map(SQLiteTimestamp.date(milliseconds:))
        )
    }
}
