import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: PausedLoginStore {
    private static let pausedLoginColumns = """
        digest, tenant_id, user_id, session_digest, client_id, request_digest, hook, form, state_json, created_at, expires_at
        """

    public func createPausedLogin(_ login: PausedLogin) async throws {
        try SHA256HexDigest.require(login.digest, for: "a paused login")
        try SHA256HexDigest.require(login.requestDigest, for: "a paused login's request")
        let createdAt = try SQLiteTimestamp.milliseconds(login.createdAt)
        let expiresAt = try SQLiteTimestamp.milliseconds(login.expiresAt)
        try await write("create paused login") { db in
            try db.requireUser(tenantID: login.tenantID, userID: login.userID, during: "create paused login")
            try db.execute(sql: """
                INSERT INTO paused_logins (\(Self.pausedLoginColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [login.digest, login.tenantID, login.userID, login.sessionDigest, login.clientID,
                                 login.requestDigest, login.hook, login.form, login.stateJSON, createdAt, expiresAt])
        }
    }

    public func pausedLogin(tenantID: String, digest: String, now: Date) async throws -> PausedLogin? {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await read("read paused login") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.pausedLoginColumns) FROM paused_logins WHERE digest = ? AND tenant_id = ? AND expires_at > ?
                """, arguments: [digest, tenantID, now]).map(PausedLogin.init(row:))
        }
    }

    public func consumePausedLogin(tenantID: String, digest: String, now: Date) async throws -> PausedLogin? {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await write("consume paused login") { db in
            // DELETE … RETURNING: of racing consumers only the first matches the row.
            try Row.fetchOne(db, sql: """
                DELETE FROM paused_logins WHERE digest = ? AND tenant_id = ? AND expires_at > ?
                RETURNING \(Self.pausedLoginColumns)
                """, arguments: [digest, tenantID, now]).map(PausedLogin.init(row:))
        }
    }

    public func deleteExpiredPausedLogins(before: Date) async throws -> Int {
        let before = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete expired paused logins") { db in
            try db.execute(sql: "DELETE FROM paused_logins WHERE expires_at <= ?", arguments: [before])
            return db.changesCount
        }
    }
}

extension PausedLogin {
    init(row: Row) throws(StoreError) {
        let table = "paused_logins"
        self.init(
            digest: try row.value("digest", in: table), tenantID: try row.value("tenant_id", in: table),
            userID: try row.value("user_id", in: table), sessionDigest: try row.value("session_digest", in: table),
            clientID: try row.value("client_id", in: table), requestDigest: try row.value("request_digest", in: table),
            hook: try row.value("hook", in: table), form: try row.value("form", in: table),
            stateJSON: try row.value("state_json", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table)),
            expiresAt: SQLiteTimestamp.date(milliseconds: try row.value("expires_at", in: table)))
    }
}
