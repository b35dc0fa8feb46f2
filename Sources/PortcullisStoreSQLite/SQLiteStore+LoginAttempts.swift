import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: LoginAttemptStore {
    public func recordFailure(tenantID: String, userID: String, at: Date, events: [DomainEvent]) async throws -> Int {
        let failedAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("record login failure", events: events) { db in
            try db.requireUser(tenantID: tenantID, userID: userID, during: "record login failure")
            // One upsert that returns the new count, so concurrent failures each get their own
            // number. The SET expressions all see the row as it was before this statement: a lock
            // that ran out by `at` restarts the count at 1 and is cleared.
            let failures = try Int.fetchOne(db, sql: """
                INSERT INTO login_attempts (tenant_id, user_id, consecutive_failures, last_failure_at)
                VALUES (?, ?, 1, ?)
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET
                    consecutive_failures = CASE WHEN locked_until <= excluded.last_failure_at
                                                THEN 1 ELSE consecutive_failures + 1 END,
                    locked_until = CASE WHEN locked_until <= excluded.last_failure_at
                                        THEN NULL ELSE locked_until END,
                    last_failure_at = excluded.last_failure_at
                RETURNING consecutive_failures
                """, arguments: [tenantID, userID, failedAt])
            guard let failures else {
                throw StoreError.corruptRecord("login_attempts: recording a failure returned no count")
            }
            return failures
        }
    }

    public func reset(tenantID: String, userID: String, events: [DomainEvent]) async throws {
        try await write("reset login failures", events: events) { db in
            try db.execute(sql: "DELETE FROM login_attempts WHERE tenant_id = ? AND user_id = ?",
                           arguments: [tenantID, userID])
        }
    }

    public func lock(tenantID: String, userID: String, until: Date, events: [DomainEvent]) async throws {
        let lockedUntil = try SQLiteTimestamp.milliseconds(until)
        try await write("lock user", events: events) { db in
            try db.requireUser(tenantID: tenantID, userID: userID, during: "lock user")
            try db.execute(sql: """
                INSERT INTO login_attempts (tenant_id, user_id, consecutive_failures, locked_until)
                VALUES (?, ?, 0, ?)
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET locked_until = excluded.locked_until
                """, arguments: [tenantID, userID, lockedUntil])
        }
    }

    public func lockState(tenantID: String, userID: String) async throws -> LoginLockState {
        try await read("read lock state") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT consecutive_failures, locked_until FROM login_attempts
                WHERE tenant_id = ? AND user_id = ?
                """, arguments: [tenantID, userID])
            else {
                return LoginLockState()
            }
            let lockedUntil: Int64? = try row.value("locked_until", in: "login_attempts")
            return LoginLockState(
                consecutiveFailures: try row.value("consecutive_failures", in: "login_attempts"),
                lockedUntil: lockedUntil.map(SQLiteTimestamp.date(milliseconds:)))
        }
    }
}
