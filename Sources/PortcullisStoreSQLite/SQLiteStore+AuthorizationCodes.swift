import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: AuthorizationCodeStore {
    /// The columns ``AuthorizationCode/init(row:)`` reads.
    private static let codeColumns = """
        digest, tenant_id, client_id, user_id, redirect_uri, scopes_json, audience, organization_id,
        nonce, code_challenge, code_challenge_method, session_digest, auth_time, amr_json, grant_id,
        created_at, expires_at, used_at, hook_claims_json
        """

    public func createAuthorizationCode(_ code: AuthorizationCode) async throws {
        try SHA256HexDigest.require(code.digest, for: "an authorization code")
        let scopesJSON = try StoredJSON.encode(strings: code.scopes, field: "authorization code scopes")
        let amrJSON = try StoredJSON.encode(strings: code.amr, field: "authorization code amr")
        let authTime = try SQLiteTimestamp.milliseconds(code.authTime)
        let createdAt = try SQLiteTimestamp.milliseconds(code.createdAt)
        let expiresAt = try SQLiteTimestamp.milliseconds(code.expiresAt)
        let usedAt = try code.usedAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
        if let claims = code.hookClaimsJSON { try StoredJSON.requireObject(claims, field: "authorization code hook claims") }
        try await write("create authorization code") { db in
            try db.requireUser(tenantID: code.tenantID, userID: code.userID, during: "create authorization code")
            try db.execute(sql: """
                INSERT INTO authorization_codes (
                    digest, tenant_id, client_id, user_id, redirect_uri, scopes_json, audience,
                    organization_id, nonce, code_challenge, code_challenge_method, session_digest,
                    auth_time, amr_json, grant_id, created_at, expires_at, used_at, hook_claims_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    code.digest, code.tenantID, code.clientID, code.userID, code.redirectURI, scopesJSON, code.audience,
                    code.organizationID, code.nonce, code.codeChallenge, code.codeChallengeMethod, code.sessionDigest,
                    authTime, amrJSON, code.grantID, createdAt, expiresAt, usedAt, code.hookClaimsJSON,
                ])
        }
    }

    public func redeemAuthorizationCode(tenantID: String, digest: String, now: Date) async throws -> AuthorizationCodeRedemption {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await write("redeem authorization code") { db in
            // Check and mark in one statement: `used_at IS NULL` lets only the first of racing
            // redeemers match, and RETURNING hands the code to that one alone.
            if let row = try Row.fetchOne(db, sql: """
                UPDATE authorization_codes SET used_at = ?
                WHERE digest = ? AND tenant_id = ? AND used_at IS NULL AND expires_at > ?
                  AND EXISTS (SELECT 1 FROM users u
                              WHERE u.tenant_id = authorization_codes.tenant_id
                                AND u.id = authorization_codes.user_id AND u.blocked = 0)
                RETURNING \(Self.codeColumns)
                """, arguments: [now, digest, tenantID, now]) {
                return .redeemed(try AuthorizationCode(row: row))
            }
            // Still in the same transaction: a spent code is a replay, even past its expiry, so the
            // caller revokes what its first exchange issued.
            guard let spent = try Row.fetchOne(db, sql: """
                SELECT \(Self.codeColumns) FROM authorization_codes
                WHERE digest = ? AND tenant_id = ? AND used_at IS NOT NULL
                """, arguments: [digest, tenantID]) else {
                return .invalid
            }
            return .replayed(try AuthorizationCode(row: spent))
        }
    }

    public func deleteExpiredAuthorizationCodes(before: Date) async throws -> Int {
        let before = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete expired authorization codes") { db in
            try db.execute(sql: "DELETE FROM authorization_codes WHERE expires_at <= ?", arguments: [before])
            return db.changesCount
        }
    }
}

extension AuthorizationCode {
    init(row: Row) throws(StoreError) {
        let table = "authorization_codes"
        let usedAt: Int64? = try row.value("used_at", in: table)
        self.init(
            digest: try row.value("digest", in: table),
            tenantID: try row.value("tenant_id", in: table),
            clientID: try row.value("client_id", in: table),
            userID: try row.value("user_id", in: table),
            redirectURI: try row.value("redirect_uri", in: table),
            scopes: try StoredJSON.decodeStrings(try row.value("scopes_json", in: table), field: "\(table).scopes_json"),
            audience: try row.value("audience", in: table),
            organizationID: try row.value("organization_id", in: table),
            nonce: try row.value("nonce", in: table),
            codeChallenge: try row.value("code_challenge", in: table),
            codeChallengeMethod: try row.value("code_challenge_method", in: table),
            sessionDigest: try row.value("session_digest", in: table),
            authTime: SQLiteTimestamp.date(milliseconds: try row.value("auth_time", in: table)),
            amr: try StoredJSON.decodeStrings(try row.value("amr_json", in: table), field: "\(table).amr_json"),
            grantID: try row.value("grant_id", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table)),
            expiresAt: SQLiteTimestamp.date(milliseconds: try row.value("expires_at", in: table)),
            usedAt: usedAt.map(SQLiteTimestamp.date(milliseconds:)),
            hookClaimsJSON: try row.value("hook_claims_json", in: table)
        )
    }
}
