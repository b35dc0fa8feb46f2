import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: AuditEventStore {
    public func append(_ event: AuditEvent) async throws {
        let row = try SQLiteAuditEventRow(event)
        try await write("append audit event") { db in try row.insert(into: db) }
        notifyOutbox([row])
    }

    public func appendEvents(_ events: [DomainEvent]) async throws {
        guard !events.isEmpty else { return }
        let rows = try events.map { try SQLiteAuditEventRow(AuditEvent($0)) }
        try await write("append audit events") { db in
            for row in rows { try row.insert(into: db) }
        }
        notifyOutbox(rows)
    }

    public func recent(tenantID: String?, limit: Int) async throws -> [AuditEvent] {
        let limit = AuditEventLimit.clamp(limit)
        return try await read("read recent audit events") { db in
            // `IS` matches NULL too, so a nil tenant selects instance-wide events only, and it can
            // use the (tenant_id, occurred_at) index, walked backwards. rowid breaks ties by
            // append order.
            try Row.fetchAll(db, sql: """
                SELECT \(SQLiteAuditEventRow.columns)
                FROM audit_events
                WHERE tenant_id IS ?
                ORDER BY occurred_at DESC, rowid DESC
                LIMIT ?
                """, arguments: [tenantID, limit])
            .map(AuditEvent.init(row:))
        }
    }

    public func events(tenantID: String, matching filter: AuditEventFilter, oldestFirst: Bool, page: Int,
                       perPage: Int) async throws -> AuditEventPage {
        let condition = try SQLiteAuditEventFilter.condition(filter)
        let perPage = min(max(perPage, 1), 100)
        let (offset, overflow) = max(page, 0).multipliedReportingOverflow(by: perPage)
        let direction = oldestFirst ? "ASC" : "DESC"
        return try await read("list audit events") { db in
            let arguments = StatementArguments([tenantID]) + condition.arguments
            let total = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM audit_events WHERE tenant_id = ? AND (\(condition.sql))
                """, arguments: arguments) ?? 0
            guard !overflow, offset < total else { return AuditEventPage(events: [], total: total) }
            let events = try Row.fetchAll(db, sql: """
                SELECT \(SQLiteAuditEventRow.columns) FROM audit_events
                WHERE tenant_id = ? AND (\(condition.sql))
                ORDER BY occurred_at \(direction), rowid \(direction)
                LIMIT ? OFFSET ?
                """, arguments: arguments + [perPage, offset])
            .map(AuditEvent.init(row:))
            return AuditEventPage(events: events, total: total)
        }
    }

    public func events(tenantID: String, matching filter: AuditEventFilter, after afterID: String?,
                       take: Int) async throws -> [AuditEvent] {
        let condition = try SQLiteAuditEventFilter.condition(filter)
        let take = min(max(take, 1), 100)
        return try await read("list audit events after a checkpoint") { db in
            var position = "1"
            var arguments = StatementArguments([tenantID])
            if let afterID {
                // Events with the same time are ordered by append order (rowid), so a checkpoint
                // between two of them loses neither.
                guard let anchor = try Row.fetchOne(db, sql: """
                    SELECT occurred_at, rowid FROM audit_events WHERE tenant_id = ? AND id = ?
                    """, arguments: [tenantID, afterID]) else { return [] }
                position = "(occurred_at, rowid) > (?, ?)"
                arguments += [anchor["occurred_at"] as Int64, anchor["rowid"] as Int64]
            }
            return try Row.fetchAll(db, sql: """
                SELECT \(SQLiteAuditEventRow.columns) FROM audit_events
                WHERE tenant_id = ? AND \(position) AND (\(condition.sql))
                ORDER BY occurred_at, rowid
                LIMIT ?
                """, arguments: arguments + condition.arguments + [take])
            .map(AuditEvent.init(row:))
        }
    }

    public func event(tenantID: String, id: String) async throws -> AuditEvent? {
        try await read("read audit event") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(SQLiteAuditEventRow.columns) FROM audit_events WHERE tenant_id = ? AND id = ?
                """, arguments: [tenantID, id])
            .map(AuditEvent.init(row:))
        }
    }

    public func deleteEvents(before: Date) async throws -> Int {
        let cutoff = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete old audit events") { db in
            try db.execute(sql: "DELETE FROM audit_events WHERE occurred_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}

/// One `audit_events` row, encoded before the write transaction that inserts it.
struct SQLiteAuditEventRow: Sendable {
    static let columns = "id, tenant_id, type, occurred_at, actor, details_json, subject, ip, user_agent, request_id"

    let event: AuditEvent
    let occurredAt: Int64
    let detailsJSON: String
    /// The webhook event type, when webhooks can subscribe to this event: it then enters the outbox
    /// in the same transaction.
    let webhookType: String?

    init(_ event: AuditEvent) throws(StoreError) {
        self.event = event
        occurredAt = try SQLiteTimestamp.milliseconds(event.occurredAt)
        detailsJSON = try AuditEventDetailsJSON.encode(event.details)
        webhookType = event.tenantID == nil ? nil : WebhookEventType.of(event.type, details: event.details)
    }

    func insert(into db: Database) throws {
        try db.execute(sql: """
            INSERT INTO audit_events (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [event.id, event.tenantID, event.type, occurredAt, event.actor, detailsJSON,
                             event.subject, event.ip, event.userAgent, event.requestID])
        if let webhookType, let tenantID = event.tenantID {
            try db.execute(sql: "INSERT INTO event_outbox (tenant_id, event_id, event_type) VALUES (?, ?, ?)",
                           arguments: [tenantID, event.id, webhookType])
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
            details: try AuditEventDetailsJSON.decode(try row.value("details_json", in: "audit_events"), eventID: id),
            subject: try row.value("subject", in: "audit_events"),
            ip: try row.value("ip", in: "audit_events"),
            userAgent: try row.value("user_agent", in: "audit_events"),
            requestID: try row.value("request_id", in: "audit_events")
        )
    }
}
