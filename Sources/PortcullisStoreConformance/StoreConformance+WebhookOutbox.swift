import Foundation
import PortcullisStore

extension StoreConformance {
    static func event(_ kind: DomainEventKind, user: String, tenant: String? = "acme", plusSeconds seconds: Int = 0,
                      details: [String: String] = [:]) -> DomainEvent {
        DomainEvent(kind, tenantID: tenant, subject: .user(user), actor: .system, at: ConformanceFixtures.date(plusSeconds: seconds),
                    details: details)
    }

    /// A delivery of `entry` to `webhook`, due at the base date.
    static func delivery(_ entry: OutboxEntry, to webhook: String = "sink") -> WebhookDelivery {
        WebhookDelivery(sequence: entry.sequence, tenantID: entry.tenantID, webhook: webhook, eventID: entry.event?.id ?? "-",
                        eventType: entry.eventType, subject: entry.event?.subject, payloadJSON: #"{"n":1}"#,
                        nextAttemptAt: ConformanceFixtures.baseDate, createdAt: ConformanceFixtures.baseDate)
    }

    static let webhookOutboxCases: [Case] = [
        Case("outbox: events webhooks can want enter it in commit order; others, and instance events, do not") { store in
            let user = try await ConformanceFixtures.createdUser(in: store, email: "ann@example.com")
            try await store.appendEvents([
                event(.loginSucceeded, user: user.id),
                event(.roleCreated, user: user.id),
                event(.sessionEnded, user: user.id, details: ["via": "hosted_logout"]),
                event(.loginSucceeded, user: user.id, tenant: nil),
            ])
            var blocked = user
            blocked.blocked = true
            _ = try await store.update(blocked, events: [event(.userBlocked, user: user.id)])
            let entries = try await store.outbox(limit: 10)
            try expectEqual(entries.map(\.eventType), ["user.login", "user.logout", "user.blocked"], "webhook types, in order")
            try expect(zip(entries, entries.dropFirst()).allSatisfy { $0.sequence < $1.sequence }, "increasing sequence")
            try expect(entries.allSatisfy { $0.event != nil && $0.tenantID == "acme" }, "each with its audit event")
        },

        Case("outbox: fan-out creates deliveries once and empties the outbox up to its sequence") { store in
            let user = try await ConformanceFixtures.createdUser(in: store, email: "ann@example.com")
            try await store.appendEvents([event(.loginSucceeded, user: user.id), event(.loginFailed, user: user.id)])
            let entries = try await store.outbox(limit: 10).filter { $0.eventType.hasPrefix("user.login") }
            try expectEqual(entries.count, 2, "two entries")
            let first = delivery(entries[0])
            try await store.fanOut([first], through: entries[0].sequence)
            try expectEqual(try await store.outbox(limit: 10).map(\.sequence), [entries[1].sequence], "the rest stays")
            // The same event fanned out again (a crash between fan-out and forgetting the batch) is kept once.
            try await store.fanOut([delivery(entries[0]), delivery(entries[1])], through: entries[1].sequence)
            try expectEqual(try await store.outbox(limit: 10), [], "empty")
            try expectEqual(try await store.deliveryCount(tenantID: "acme", webhook: "sink", status: nil), 2, "two deliveries")
            try expectEqual(try await store.delivery(tenantID: "acme", id: first.id)?.eventID, entries[0].event?.id, "the first kept")
            try expectEqual(try await store.pendingDeliveryCount(), 2, "both pending")
            try expectEqual(try await store.nextDeliveryDue(), ConformanceFixtures.baseDate, "due at once")
        },

        Case("deliveries: claimed in order per subject, leased, retried, delivered or dead") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store, email: "ann@example.com")
            let bob = try await ConformanceFixtures.createdUser(in: store, email: "bob@example.com")
            try await store.appendEvents([event(.loginSucceeded, user: ann.id), event(.loginSucceeded, user: bob.id),
                                          event(.loginFailed, user: ann.id)])
            let entries = try await store.outbox(limit: 10).filter { $0.eventType.hasPrefix("user.login") }
            let deliveries = entries.map { delivery($0) }
            try await store.fanOut(deliveries, through: entries.last?.sequence ?? 0)
            let now = ConformanceFixtures.date(plusSeconds: 1)
            let claimed = try await store.claimDueDeliveries(now: now, leaseUntil: now.addingTimeInterval(30), limit: 10)
            try expectEqual(claimed.map(\.id), [deliveries[0].id, deliveries[1].id], "ann's second event waits behind her first")
            try expectEqual(try await store.claimDueDeliveries(now: now, leaseUntil: now.addingTimeInterval(30), limit: 10), [],
                            "leased ones are not claimed twice")
            let later = now.addingTimeInterval(31)
            try expectEqual(try await store.claimDueDeliveries(now: later, leaseUntil: later.addingTimeInterval(30), limit: 10)
                                .map(\.id), [deliveries[0].id, deliveries[1].id], "an expired lease frees them")

            let retryAt = later.addingTimeInterval(60)
            try await store.recordAttempt(.failed(status: 503, error: "HTTP 503", retryAt: retryAt), deliveryID: deliveries[0].id,
                                          tenantID: "acme", at: later)
            try await store.recordAttempt(.delivered(status: 204), deliveryID: deliveries[1].id, tenantID: "acme", at: later)
            let failed = try await store.delivery(tenantID: "acme", id: deliveries[0].id)
            try expectEqual(failed?.status, .pending, "still pending")
            try expectEqual(failed?.attempts, 1, "one attempt")
            try expectEqual(failed?.lastStatus, 503, "its status")
            try expectEqual(failed?.nextAttemptAt, retryAt, "due again later")
            try expectEqual(try await store.delivery(tenantID: "acme", id: deliveries[1].id)?.deliveredAt, later, "delivered")
            try expectEqual(try await store.claimDueDeliveries(now: later, leaseUntil: later.addingTimeInterval(30), limit: 10), [],
                            "ann's retry is not due, and her next event still waits")
            try expectEqual(try await store.nextDeliveryDue(), retryAt, "the retry is next")

            try await store.recordAttempt(.failed(status: nil, error: "connection refused", retryAt: nil),
                                          deliveryID: deliveries[0].id, tenantID: "acme", at: retryAt)
            try expectEqual(try await store.delivery(tenantID: "acme", id: deliveries[0].id)?.status, .dead, "dead")
            try expectEqual(try await store.claimDueDeliveries(now: retryAt, leaseUntil: retryAt.addingTimeInterval(30), limit: 10)
                                .map(\.id), [deliveries[2].id], "a dead event no longer holds its subject back")
            try expectEqual(try await store.deliveries(tenantID: "acme", webhook: "sink", status: .dead, offset: 0, limit: 10)
                                .map(\.id), [deliveries[0].id], "listed by status")

            let retried = try await store.retryDelivery(tenantID: "acme", id: deliveries[0].id, at: retryAt, events: [])
            try expectEqual(retried?.status, .pending, "pending again")
            try expectEqual(retried?.attempts, 0, "with fresh attempts")
            try expectEqual(try await store.retryDelivery(tenantID: "globex", id: deliveries[0].id, at: retryAt, events: []), nil,
                            "not through another tenant")
            try expectEqual(try await store.deleteFinishedDeliveries(before: ConformanceFixtures.date(plusSeconds: 3600)), 1,
                            "the delivered one is purged")
            try expectEqual(try await store.deliveryCount(tenantID: "acme", webhook: "sink", status: nil), 2, "pending ones stay")
        },
    ]
}
