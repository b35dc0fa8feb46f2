import Foundation
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisStore
import ServiceLifecycle

/// Delivers the webhook outbox: fans new events out to the webhooks of their tenant that want them
/// (in the snapshot of that moment), claims due deliveries, posts them signed, and records each
/// attempt — at least once, in order per subject, retried with backoff up to `max_attempts`.
///
/// It waits on the store's ``OutboxSignal`` when there is nothing to do, so an idle outbox costs
/// nothing but a look every `idleCheck` (which also picks up events that another process — the
/// CLI — wrote to the same database).
public struct OutboxWorker: Service {
    let storage: any WebhookOutboxStore
    let snapshot: @Sendable () -> ConfigSnapshot
    let sender: any WebhookSending
    let logger: Logger
    let backoff: WebhookBackoff
    let idleCheck: Duration
    let batch: Int
    let metrics = WebhookMetrics()

    public init(storage: any WebhookOutboxStore, snapshot: @escaping @Sendable () -> ConfigSnapshot, sender: any WebhookSending,
                logger: Logger, backoff: WebhookBackoff = WebhookBackoff(), idleCheck: Duration = .seconds(15),
                batch: Int = 64) {
        self.storage = storage
        self.snapshot = snapshot
        self.sender = sender
        self.logger = logger
        self.backoff = backoff
        self.idleCheck = idleCheck
        self.batch = batch
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let worked: Bool
                do {
                    worked = try await step()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("webhook outbox step failed; trying again shortly", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                if !worked { await idle() }
            }
        }
    }

    /// One round: fan out, then deliver what is due. Whether anything was done.
    public func step(now: Date = Date()) async throws -> Bool {
        let fanned = try await fanOut(now: now)
        let delivered = try await deliverDue(now: now)
        metrics.pending.record(try await storage.pendingDeliveryCount())
        return fanned > 0 || delivered > 0
    }

    /// Sleeps until the next delivery is due, an event arrives, or `idleCheck` passes.
    private func idle() async {
        var wait = idleCheck
        if let due = try? await storage.nextDeliveryDue() {
            let seconds = max(0.01, due.timeIntervalSinceNow)
            wait = min(wait, .milliseconds(Int64(seconds * 1000)))
        }
        await storage.outboxSignal.wait(timeout: wait)
    }

    /// Turns outbox entries into deliveries for the webhooks that subscribe to them.
    func fanOut(now: Date) async throws -> Int {
        let entries = try await storage.outbox(limit: 500)
        guard let last = entries.last else { return 0 }
        let snapshot = snapshot()
        var deliveries: [WebhookDelivery] = []
        for entry in entries {
            guard let event = entry.event, let tenant = snapshot.tenantsByID[entry.tenantID] else { continue }
            let subscribed = tenant.config.webhooks.filter { $0.enabled && $0.events.contains { $0.value == entry.eventType } }
            guard !subscribed.isEmpty else { continue }
            let payload = WebhookPayload.json(event, type: entry.eventType, tenant: entry.tenantID)
            for webhook in subscribed {
                deliveries.append(WebhookDelivery(sequence: entry.sequence, tenantID: entry.tenantID, webhook: webhook.name.value,
                                                  eventID: event.id, eventType: entry.eventType, subject: event.subject,
                                                  payloadJSON: payload, nextAttemptAt: now, createdAt: now))
            }
        }
        try await storage.fanOut(deliveries, through: last.sequence)
        return entries.count
    }

    /// Claims the due deliveries and posts them concurrently (they are of different subjects).
    func deliverDue(now: Date) async throws -> Int {
        // The lease outlasts the longest timeout of the tenants' webhooks, so a delivery in flight is
        // never claimed twice; a worker that dies (a crash) leaves it to be claimed when it ends.
        let snapshot = snapshot()
        let longest = snapshot.tenants.flatMap(\.config.webhooks).map(\.timeout).max() ?? .seconds(5)
        let lease = now.addingTimeInterval(Double(longest.components.seconds) + 5)
        let claimed = try await storage.claimDueDeliveries(now: now, leaseUntil: lease, limit: batch)
        guard !claimed.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            for delivery in claimed {
                group.addTask { await deliver(delivery, snapshot: snapshot) }
            }
        }
        return claimed.count
    }

    func deliver(_ delivery: WebhookDelivery, snapshot: ConfigSnapshot) async {
        let tenant = snapshot.tenantsByID[delivery.tenantID]
        guard let tenant, let webhook = tenant.config.webhooks.first(where: { $0.name.value == delivery.webhook }),
              webhook.enabled, let url = webhook.url?.value.text, let key = tenant.webhookKeys[delivery.webhook]
        else {
            // Removed or disabled since the event was queued: nothing to send to. Dead, so an
            // operator can retry it (POST …/deliveries/{id}/retry) once the webhook is back.
            await record(.failed(status: nil, error: "the webhook is disabled or no longer configured", retryAt: nil),
                         delivery, attempt: delivery.attempts + 1)
            return
        }
        let attempt = delivery.attempts + 1
        let body = Array(delivery.payloadJSON.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let headers = [
            ("Content-Type", "application/json"), ("User-Agent", "Portcullis-Webhooks/1"),
            (WebhookSignature.headerName, WebhookSignature.header(key: key.bytes, timestamp: timestamp, body: body)),
            ("Portcullis-Event-Id", delivery.eventID), ("Portcullis-Event-Type", delivery.eventType),
            ("Portcullis-Delivery-Id", delivery.id), ("Portcullis-Delivery-Attempt", String(attempt)),
        ]
        let started = ContinuousClock.now
        let response = await sender.post(url: url, headers: headers, body: body, timeout: webhook.timeout)
        let elapsed = ContinuousClock.now - started
        metrics.latency.recordNanoseconds(elapsed.nanosecondsClamped)
        let retryAt = attempt < webhook.maxAttempts ? Date().addingTimeInterval(backoff.delay(after: attempt)) : nil
        let outcome: DeliveryAttempt = switch response {
        case .status(let code) where (200..<300).contains(code): .delivered(status: code)
        case .status(let code): .failed(status: code, error: "HTTP \(code)", retryAt: retryAt)
        case .failure(let reason): .failed(status: nil, error: reason, retryAt: retryAt)
        }
        await record(outcome, delivery, attempt: attempt, elapsed: elapsed)
    }

    private func record(_ outcome: DeliveryAttempt, _ delivery: WebhookDelivery, attempt: Int, elapsed: Duration? = nil) async {
        var metadata: Logger.Metadata = [
            "webhook": .string(delivery.webhook), "tenant": .string(delivery.tenantID), "event": .string(delivery.eventID),
            "type": .string(delivery.eventType), "delivery": .string(delivery.id), "attempt": "\(attempt)",
        ]
        if let elapsed { metadata["ms"] = "\(elapsed.nanosecondsClamped / 1_000_000)" }
        switch outcome {
        case .delivered(let status):
            metadata["status"] = "\(status)"
            metrics.count(webhook: delivery.webhook, outcome: "delivered")
            logger.info("webhook delivered", metadata: metadata)
        case .failed(let status, let error, let retryAt):
            if let status { metadata["status"] = "\(status)" }
            metadata["error"] = .string(error)
            if let retryAt {
                metadata["retry_in_s"] = "\(Int(retryAt.timeIntervalSinceNow.rounded()))"
                metrics.count(webhook: delivery.webhook, outcome: "retried")
                logger.warning("webhook delivery failed; will retry", metadata: metadata)
            } else {
                metrics.count(webhook: delivery.webhook, outcome: "dead")
                logger.error("webhook delivery failed for good (dead)", metadata: metadata)
            }
        }
        do {
            try await storage.recordAttempt(outcome, deliveryID: delivery.id, tenantID: delivery.tenantID, at: Date())
        } catch {
            // The lease runs out and the delivery is sent again: at least once, never lost.
            logger.error("webhook delivery outcome not recorded", metadata: ["delivery": .string(delivery.id), "error": "\(error)"])
        }
    }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
