import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: SingleUseMarkerStore {
    public func recordSingleUse(tenantID: String, purpose: String, digest: String, expiresAt: Date,
                                now: Date) async throws -> Bool {
        try SHA256HexDigest.require(digest, for: "a single-use marker")
        guard !purpose.isEmpty else { throw StoreError.invalidInput("a single-use marker needs a purpose") }
        let expiresAt = try SQLiteTimestamp.milliseconds(expiresAt)
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await write("record single-use marker") { db in
            // An expired marker is replaced; a live one makes the upsert's WHERE false, so nothing
            // changes and the caller learns the value was seen. Writes are serialized, so of racing
            // callers exactly one inserts.
            try db.execute(sql: """
                INSERT INTO single_use_markers (tenant_id, purpose, digest, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, purpose, digest) DO UPDATE SET expires_at = excluded.expires_at
                WHERE single_use_markers.expires_at <= ?
                """, arguments: [tenantID, purpose, digest, expiresAt, now])
            return db.changesCount == 1
        }
    }

    public func isSingleUseRecorded(tenantID: String, purpose: String, digest: String, now: Date) async throws -> Bool {
        try SHA256HexDigest.require(digest, for: "a single-use marker")
        guard !purpose.isEmpty else { throw StoreError.invalidInput("a single-use marker needs a purpose") }
        let now = try SQLiteTimestamp.milliseconds(now)
        return try await read("look up single-use marker") { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM single_use_markers
                               WHERE tenant_id = ? AND purpose = ? AND digest = ? AND expires_at > ?)
                """, arguments: [tenantID, purpose, digest, now]) ?? false
        }
    }

    public func deleteExpiredSingleUseMarkers(before: Date) async throws -> Int {
        let before = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete expired single-use markers") { db in
            try db.execute(sql: "DELETE FROM single_use_markers WHERE expires_at <= ?", arguments: [before])
            return db.changesCount
        }
    }
}
