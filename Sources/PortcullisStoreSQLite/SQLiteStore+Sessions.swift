import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: SessionStore {
    /// The session columns, qualified with the alias `s`; ``Session/init(row:)`` reads them.
    private static let sessionColumns = """
        s.digest, s.tenant_id, s.user_id, s.created_at, s.last_seen_at, s.auth_time, s.amr_json,
        s.ip, s.user_agent, s.idle_expires_at, s.absolute_expires_at, s.revoked_at
        """

    public func createSession(_ session: Session, events: [DomainEvent]) async throws {
        try SHA256HexDigest.require(session.digest, for: "a session id")
        let amrJSON = try StoredJSON.encode(strings: session.amr, field: "session amr")
        let createdAt = try SQLiteTimestamp.milliseconds(session.createdAt)
        let lastSeenAt = try SQLiteTimestamp.milliseconds(session.lastSeenAt)
        let authTime = try SQLiteTimestamp.milliseconds(session.authTime)
        let idleExpiresAt = try SQLiteTimestamp.milliseconds(session.idleExpiresAt)
        let absoluteExpiresAt = try SQLiteTimestamp.milliseconds(session.absoluteExpiresAt)
        let revokedAt = try session.revokedAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
        try await write("create session", events: events) { db in
            try db.requireUser(tenantID: session.tenantID, userID: session.userID, during: "create session")
            try db.execute(sql: """
                INSERT INTO sessions (
                    digest, tenant_id, user_id, created_at, last_seen_at, auth_time, amr_json,
                    ip, user_agent, idle_expires_at, absolute_expires_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    session.digest, session.tenantID, session.userID, createdAt, lastSeenAt, authTime, amrJSON,
                    session.ip, session.userAgent, idleExpiresAt, absoluteExpiresAt, revokedAt,
                ])
        }
    }

    public func session(tenantID: String, digest: String, now: Date) async throws -> Session? {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await read("read session") { db in
            // The join makes blocking or deleting a user end their sessions on the next request,
            // without having to find and revoke each session.
            try Row.fetchOne(db, sql: """
                SELECT \(Self.sessionColumns)
                FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
                WHERE s.digest = ? AND s.tenant_id = ? AND s.revoked_at IS NULL
                  AND s.idle_expires_at > ? AND s.absolute_expires_at > ? AND u.blocked = 0
                """, arguments: [digest, tenantID, now, now])
            .map(Session.init(row:))
        }
    }

    public func touch(tenantID: String, digest: String, now: Date, idleExpiresAt: Date) async throws -> Bool {
        let now = try SQLiteTimestamp.milliseconds(now)
        let idleExpiresAt = try SQLiteTimestamp.milliseconds(idleExpiresAt)
        return try await write("touch session") { db in
            // max() keeps both times from moving backwards when concurrent requests commit out of
            // order; min() keeps the idle timeout within the absolute one.
            try db.execute(sql: """
                UPDATE sessions SET
                    last_seen_at = max(last_seen_at, ?),
                    idle_expires_at = min(max(idle_expires_at, ?), absolute_expires_at)
                WHERE digest = ? AND tenant_id = ? AND revoked_at IS NULL
                  AND idle_expires_at > ? AND absolute_expires_at > ?
                  AND EXISTS (SELECT 1 FROM users u
                              WHERE u.tenant_id = sessions.tenant_id AND u.id = sessions.user_id AND u.blocked = 0)
                """, arguments: [now, idleExpiresAt, digest, tenantID, now, now])
            return db.changesCount > 0
        }
    }

    public func revokeSession(tenantID: String, digest: String, at: Date, events: [DomainEvent]) async throws -> Bool {
        let revokedAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("revoke session", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                UPDATE sessions SET revoked_at = ? WHERE digest = ? AND tenant_id = ? AND revoked_at IS NULL
                """, arguments: [revokedAt, digest, tenantID])
            return db.changesCount > 0
        }
    }

    public func revokeAllSessions(tenantID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Int {
        let revokedAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("revoke sessions of user", events: events, when: { $0 > 0 }) { db in
            try db.execute(sql: """
                UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL
                """, arguments: [revokedAt, tenantID, userID])
            return db.changesCount
        }
    }

    public func activeSessions(tenantID: String, userID: String, now: Date) async throws -> [Session] {
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await read("list sessions of user") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.sessionColumns)
                FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
                WHERE s.tenant_id = ? AND s.user_id = ? AND s.revoked_at IS NULL
                  AND s.idle_expires_at > ? AND s.absolute_expires_at > ? AND u.blocked = 0
                ORDER BY s.created_at DESC, s.digest
                """, arguments: [tenantID, userID, now, now])
            .map(Session.init(row:))
        }
    }

    public func deleteExpiredSessions(before: Date) async throws -> Int {
        let before = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete expired sessions") { db in
            // Written exactly as the sessions_by_expiry index expression, so SQLite can use it.
            try db.execute(sql: """
                DELETE FROM sessions
                WHERE min(idle_expires_at, absolute_expires_at) <= ? OR revoked_at <= ?
                """, arguments: [before, before])
            return db.changesCount
        }
    }
}

extension Session {
    init(row: Row) throws(StoreError) {
        let revokedAt: Int64? = try row.value("revoked_at", in: "sessions")
        self.init(
            digest: try row.value("digest", in: "sessions"),
            tenantID: try row.value("tenant_id", in: "sessions"),
            userID: try row.value("user_id", in: "sessions"),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: "sessions")),
            lastSeenAt: SQLiteTimestamp.date(milliseconds: try row.value("last_seen_at", in: "sessions")),
            authTime: SQLiteTimestamp.date(milliseconds: try row.value("auth_time", in: "sessions")),
            amr: try StoredJSON.decodeStrings(try row.value("amr_json", in: "sessions"), field: "sessions.amr_json"),
            ip: try row.value("ip", in: "sessions"),
            userAgent: try row.value("user_agent", in: "sessions"),
            idleExpiresAt: SQLiteTimestamp.date(milliseconds: try row.value("idle_expires_at", in: "sessions")),
            absoluteExpiresAt: SQLiteTimestamp.date(milliseconds: try row.value("absolute_expires_at", in: "sessions")),
            revokedAt: revokedAt.map(SQLiteTimestamp.date(milliseconds:))
        )
    }
}
