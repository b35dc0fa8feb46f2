import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: WebhookOutboxStore {
    private static let columns = """
        id, seq, tenant_id, webhook, event_id, event_type, subject, payload_json, status, attempts, next_attempt_at,
        last_status, last_error, created_at, delivered_at
        """
    /// A pending delivery `d` with no earlier pending delivery of its subject to its webhook: the
    /// only one of that subject that may go (events of one subject arrive in order).
    private static let headOfItsSubject = """
        (d.subject IS NULL OR NOT EXISTS (
            SELECT 1 FROM webhook_deliveries e
            WHERE e.tenant_id = d.tenant_id AND e.webhook = d.webhook AND e.subject = d.subject
              AND e.status = 'pending' AND e.seq < d.seq))
        """

    public func outbox(limit: Int) async throws -> [OutboxEntry] {
        let limit = min(max(limit, 1), 1000)
        return try await read("read the webhook outbox") { db in
            try Row.fetchAll(db, sql: """
                SELECT o.seq AS outbox_seq, o.tenant_id AS outbox_tenant, o.event_type AS outbox_type,
                       e.\(SQLiteAuditEventRow.columns.replacingOccurrences(of: ", ", with: ", e."))
                FROM event_outbox o LEFT JOIN audit_events e ON e.id = o.event_id
                ORDER BY o.seq LIMIT ?
                """, arguments: [limit])
            .map { row throws(StoreError) in
                let event: AuditEvent? = (row["id"] as String?) == nil ? nil : try AuditEvent(row: row)
                return OutboxEntry(sequence: try row.value("outbox_seq", in: "event_outbox"),
                                   tenantID: try row.value("outbox_tenant", in: "event_outbox"),
                                   eventType: try row.value("outbox_type", in: "event_outbox"), event: event)
            }
        }
    }

    public func fanOut(_ deliveries: [WebhookDelivery], through sequence: Int64) async throws {
        let rows = try deliveries.map { delivery throws(StoreError) in
            (delivery, try SQLiteTimestamp.milliseconds(delivery.nextAttemptAt), try SQLiteTimestamp.milliseconds(delivery.createdAt))
        }
        try await write("fan out the webhook outbox") { db in
            for (delivery, due, created) in rows {
                // A crash after the fan-out committed but before the worker forgot the batch
                // would fan the same events out again: the unique key keeps the first.
                try db.execute(sql: """
                    INSERT OR IGNORE INTO webhook_deliveries (\(Self.columns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, NULL)
                    """, arguments: [delivery.id, delivery.sequence, delivery.tenantID, delivery.webhook, delivery.eventID,
                                     delivery.eventType, delivery.subject, delivery.payloadJSON, due, created])
            }
            try db.execute(sql: "DELETE FROM event_outbox WHERE seq <= ?", arguments: [sequence])
        }
    }

    public func claimDueDeliveries(now: Date, leaseUntil: Date, limit: Int) async throws -> [WebhookDelivery] {
        let now = try SQLiteTimestamp.milliseconds(now)
        let lease = try SQLiteTimestamp.milliseconds(leaseUntil)
        let limit = min(max(limit, 1), 1000)
        return try await write("claim due webhook deliveries") { db in
            // The oldest pending delivery of each subject is the only one that may go; a subject's
            // later events wait behind it, even when their own time has come.
            let due = try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM webhook_deliveries d
                WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.leased_until IS NULL OR d.leased_until <= ?)
                  AND \(Self.headOfItsSubject)
                ORDER BY d.seq LIMIT ?
                """, arguments: [now, now, limit])
            .map(WebhookDelivery.init(row:))
            for delivery in due {
                try db.execute(sql: "UPDATE webhook_deliveries SET leased_until = ? WHERE id = ?", arguments: [lease, delivery.id])
            }
            return due
        }
    }

    public func recordAttempt(_ attempt: DeliveryAttempt, deliveryID: String, tenantID: String, at: Date) async throws {
        let at = try SQLiteTimestamp.milliseconds(at)
        switch attempt {
        case .delivered(let status):
            try await write("record a webhook delivery") { db in
                try db.execute(sql: """
                    UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?,
                        last_error = NULL, delivered_at = ?, leased_until = NULL
                    WHERE tenant_id = ? AND id = ?
                    """, arguments: [status, at, tenantID, deliveryID])
            }
        case .failed(let status, let error, let retryAt):
            let next = try retryAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
            try await write("record a failed webhook delivery") { db in
                try db.execute(sql: """
                    UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
                        next_attempt_at = COALESCE(?, next_attempt_at), leased_until = NULL
                    WHERE tenant_id = ? AND id = ?
                    """, arguments: [next == nil ? "dead" : "pending", status, String(error.prefix(500)), next, tenantID,
                                     deliveryID])
            }
        }
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await read("find the next webhook delivery") { db in
            // Only the head of each subject's queue can become due: the others wait for it, so
            // their own (past) times would wake the worker for nothing.
            try Int64.fetchOne(db, sql: """
                SELECT min(max(d.next_attempt_at, COALESCE(d.leased_until, 0))) FROM webhook_deliveries d
                WHERE d.status = 'pending'
                  AND \(Self.headOfItsSubject)
                """)
            .map(SQLiteTimestamp.date(milliseconds:))
        }
    }

    public func pendingDeliveryCount() async throws -> Int {
        try await read("count pending webhook deliveries") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'") ?? 0
        }
    }

    public func deliveries(tenantID: String, webhook: String, status: WebhookDelivery.Status?, offset: Int,
                           limit: Int) async throws -> [WebhookDelivery] {
        try Self.requirePage(offset: offset, limit: limit, during: "list webhook deliveries")
        return try await read("list webhook deliveries") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM webhook_deliveries
                WHERE tenant_id = ? AND webhook = ? AND (? IS NULL OR status = ?)
                ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?
                """, arguments: [tenantID, webhook, status?.rawValue, status?.rawValue, limit, offset])
            .map(WebhookDelivery.init(row:))
        }
    }

    public func deliveryCount(tenantID: String, webhook: String, status: WebhookDelivery.Status?) async throws -> Int {
        try await read("count webhook deliveries") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM webhook_deliveries WHERE tenant_id = ? AND webhook = ? AND (? IS NULL OR status = ?)
                """, arguments: [tenantID, webhook, status?.rawValue, status?.rawValue]) ?? 0
        }
    }

    public func delivery(tenantID: String, id: String) async throws -> WebhookDelivery? {
        try await read("read a webhook delivery") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM webhook_deliveries WHERE tenant_id = ? AND id = ?",
                             arguments: [tenantID, id])
            .map(WebhookDelivery.init(row:))
        }
    }

    public func retryDelivery(tenantID: String, id: String, at: Date, events: [DomainEvent]) async throws -> WebhookDelivery? {
        let at = try SQLiteTimestamp.milliseconds(at)
        let delivery = try await write("retry a webhook delivery", events: events, when: { $0 != nil }) { db -> WebhookDelivery? in
            try db.execute(sql: """
                UPDATE webhook_deliveries
                SET status = 'pending', next_attempt_at = ?, leased_until = NULL,
                    attempts = CASE status WHEN 'dead' THEN 0 ELSE attempts END
                WHERE tenant_id = ? AND id = ?
                """, arguments: [at, tenantID, id])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM webhook_deliveries WHERE tenant_id = ? AND id = ?",
                                    arguments: [tenantID, id])
            .map(WebhookDelivery.init(row:))
        }
        if delivery != nil { outboxSignal.notify() }
        return delivery
    }

    public func deleteFinishedDeliveries(before: Date) async throws -> Int {
        let cutoff = try SQLiteTimestamp.milliseconds(before)
        return try await write("delete finished webhook deliveries") { db in
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < ?",
                           arguments: [cutoff])
            return db.changesCount
        }
    }
}

extension WebhookDelivery {
    init(row: Row) throws(StoreError) {
        let status: String = try row.value("status", in: "webhook_deliveries")
        guard let known = Status(rawValue: status) else {
            throw .corruptRecord("webhook_deliveries.status holds an unknown value")
        }
        self.init(
            id: try row.value("id", in: "webhook_deliveries"),
            sequence: try row.value("seq", in: "webhook_deliveries"),
            tenantID: try row.value("tenant_id", in: "webhook_deliveries"),
            webhook: try row.value("webhook", in: "webhook_deliveries"),
            eventID: try row.value("event_id", in: "webhook_deliveries"),
            eventType: try row.value("event_type", in: "webhook_deliveries"),
            subject: try row.value("subject", in: "webhook_deliveries"),
            payloadJSON: try row.value("payload_json", in: "webhook_deliveries"),
            status: known,
            attempts: try row.value("attempts", in: "webhook_deliveries"),
            nextAttemptAt: SQLiteTimestamp.date(milliseconds: try row.value("next_attempt_at", in: "webhook_deliveries")),
            lastStatus: try row.value("last_status", in: "webhook_deliveries"),
            lastError: try row.value("last_error", in: "webhook_deliveries"),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: "webhook_deliveries")),
            deliveredAt: (try row.value("delivered_at", in: "webhook_deliveries") as Int64?).map(SQLiteTimestamp.date(milliseconds:)))
    }
}
