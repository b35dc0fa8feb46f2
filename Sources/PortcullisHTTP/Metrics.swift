import Metrics
import Prometheus
import Synchronization

/// The metric names Portcullis exposes on `/metrics`, and the Prometheus registry behind them.
public enum PortcullisMetrics {
    public static let configGeneration = "portcullis_config_generation"
    public static let configReloads = "portcullis_config_reloads_total"
    public static let configReloadFailures = "portcullis_config_reload_failures_total"
    public static let httpRequests = "portcullis_http_requests_total"
    public static let httpDuration = "portcullis_http_request_duration_seconds"
    /// Time of each argon2id/bcrypt hash or verification on a hashing thread.
    public static let passwordHashDuration = "portcullis_password_hash_duration_seconds"

    /// An observer for ``PasswordHashingPool`` that records into ``passwordHashDuration``.
    public static func passwordHashObserver() -> @Sendable (Duration) -> Void {
        let timer = Timer(label: passwordHashDuration)
        return { duration in timer.recordNanoseconds(duration.nanoseconds) }
    }

    /// The registry `/metrics` renders. swift-metrics is bootstrapped with a factory writing into it.
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped = Mutex(false)

    /// Routes swift-metrics into the registry. The metrics system can be bootstrapped once per
    /// process; later calls (several servers in one test process) do nothing.
    public static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
            ]
            // Hash times cluster around tens of milliseconds: 1 ms buckets there give a usable
            // median (the benchmarks read it), coarse ones around it catch outliers.
            factory.durationHistogramBuckets[passwordHashDuration] =
                [.milliseconds(1), .milliseconds(5)] + (10...60).map { .milliseconds($0) }
                + [.milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]
            MetricsSystem.bootstrap(factory)
            done = true
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
