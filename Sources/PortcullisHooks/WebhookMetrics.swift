import Metrics

/// The outbox's metrics: deliveries by outcome, their latency, and the pending backlog.
struct WebhookMetrics: Sendable {
    static let deliveries = "portcullis_webhook_deliveries_total"
    static let duration = "portcullis_webhook_delivery_duration_seconds"
    static let pending = "portcullis_webhook_pending"

    let pending = Gauge(label: WebhookMetrics.pending)
    let latency = Timer(label: WebhookMetrics.duration)

    /// `outcome`: `delivered`, `retried` (failed, will try again) or `dead` (failed for good).
    func count(webhook: String, outcome: String) {
        Counter(label: Self.deliveries, dimensions: [("webhook", webhook), ("outcome", outcome)]).increment()
    }
}
