import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: AuditEventStore {
    public func append(_ event: AuditEvent) async throws {
        // Encode before entering the write transaction, which should contain database work only.
        let occurredAt = try SQLiteTimestamp.milliseconds(event.occurredAt)
        let detailsJSON = try AuditEventDetailsJSON.encode(event.details)
        try await write("append audit event") { db in
            try db.execute(sql: """
                INSERT INTO audit_events (id, tenant_id, type, occurred_at, actor, details_json)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [event.id, event.tenantID, event.type, occurredAt, event.actor, detailsJSON])
        }
    }

    public func recent(tenantID: String?, limit: Int) async throws -> [AuditEvent] {
        let limit = AuditEventLimit.clamp(limit)
        return try await read("read recent audit events") { db in
            // `IS` matches NULL too, so a nil tenant selects instance-wide events only, and it can
            // use the (tenant_id, occurred_at) index, walked backwards. rowid breaks ties by
            // append order.
            try Row.fetchAll(db, sql: """
                SELECT id, tenant_id, type, occurred_at, actor, details_json
                FROM audit_events
                WHERE tenant_id IS ?
                ORDER BY occurred_at DESC, rowid DESC
                LIMIT ?
                """, arguments: [tenantID, limit])
            .map(AuditEvent.init(row:))
        }
    }
}

extension AuditEvent {
    init(row: Row) throws(StoreError) {
        let id: String = try row.value("id", in: "audit_events")
        self.init(
            id: id,
            tenantID: try row.value("tenant_id", in: "audit_events"),
            type: try row.value("type", in: "audit_events"),
            occurredAt: SQLiteTimestamp.date(milliseconds: try row.value("occurred_at", in: "audit_events")),
            actor: try row.value("actor", in: "audit_events"),
            details: try AuditEventDetailsJSON.decode(try row.value("details_json", in: "audit_events"), eventID: id)
        )
    }
}
