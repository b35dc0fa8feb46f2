import Foundation

/// Where ``EventRecorder`` writes its batches: the one operation it needs.
public protocol AuditEventSink: Sendable {
    /// Appends events that describe no stored change (a failed login of an unknown account, a
    /// client-credentials token), all in one transaction.
    func appendEvents(_ events: [DomainEvent]) async throws
}

/// The append-only audit log.
public protocol AuditEventStore: AuditEventSink {
    /// Appends one event.
    ///
    /// - Throws: ``StoreError/conflict(_:)`` if an event with the same ID already exists.
    func append(_ event: AuditEvent) async throws

    /// Appends events that describe no stored change (a failed login of an unknown account, a
    /// client-credentials token), all in one transaction: ``EventRecorder`` batches them here.
    /// Events that describe a change are passed to the change's own operation instead.
    func appendEvents(_ events: [DomainEvent]) async throws

    /// The most recent events of one tenant, newest first.
    ///
    /// - Parameters:
    ///   - tenantID: the tenant whose events to return; `nil` returns only instance-wide events
    ///     (those appended with a `nil` tenant), never other tenants' events.
    ///   - limit: how many events at most; clamped to ``AuditEventLimit/range`` (1...1000).
    /// - Returns: events ordered by `occurredAt`, newest first; events with the same time come
    ///   back in reverse order of appending.
    func recent(tenantID: String?, limit: Int) async throws -> [AuditEvent]

    /// One page of the tenant's events that match `filter`, newest first unless `oldestFirst`
    /// (events with the same time in append order), with the number of matches.
    ///
    /// - Parameters:
    ///   - page: zero-based; negative means 0.
    ///   - perPage: clamped to 1...100.
    /// - Throws: ``StoreError/invalidInput(_:)`` for a detail key the store cannot take.
    func events(tenantID: String, matching filter: AuditEventFilter, oldestFirst: Bool, page: Int,
                perPage: Int) async throws -> AuditEventPage

    /// Checkpoint paging: up to `take` of the tenant's events that match `filter` and were appended
    /// after the event `afterID` (from the oldest when `nil`), oldest first. An unknown `afterID`
    /// gives none.
    func events(tenantID: String, matching filter: AuditEventFilter, after afterID: String?, take: Int) async throws -> [AuditEvent]

    /// The tenant's event with `id`, or `nil`.
    func event(tenantID: String, id: String) async throws -> AuditEvent?

    /// Deletes every event that happened before `before` (retention); returns how many.
    func deleteEvents(before: Date) async throws -> Int
}

/// The bounds of ``AuditEventStore/recent(tenantID:limit:)``'s `limit`.
public enum AuditEventLimit {
    /// The range a requested limit is clamped to; the upper bound keeps one call's memory bounded.
    public static let range: ClosedRange<Int> = 1...1000

    /// `limit` moved into ``range``.
    public static func clamp(_ limit: Int) -> Int {
        min(max(limit, range.lowerBound), range.upperBound)
    }
}
