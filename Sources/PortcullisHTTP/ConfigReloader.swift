import Foundation
import Logging
import Metrics
import PortcullisConfig
import PortcullisStore
import PortcullisCore
import ServiceLifecycle
import UnixSignals

/// Reloads configuration on SIGHUP and on file changes. Reloads run one at a time; triggers that
/// arrive during a reload are folded into one more reload afterwards. A reload that fails validation
/// changes nothing: the last good snapshot keeps serving and every issue is logged.
public final class ConfigReloader: Service {
    private let loader: ConfigLoader
    private let store: ConfigStore
    private let keyProvider: (any GeneratedKeyProvider)?
    private let keyCache: ParsedKeyCache
    private let logger: Logger
    private let triggers: AsyncStream<String>
    private let trigger: AsyncStream<String>.Continuation
    private let generationGauge: Gauge
    private let reloadCounter: Counter
    private let failureCounter: Counter
    /// Records `config.reloaded` for each tenant (webhooks subscribe to it); nil in tests that
    /// need no events.
    private let events: EventRecorder?

    public init(loader: ConfigLoader, store: ConfigStore, keyProvider: (any GeneratedKeyProvider)?,
                keyCache: ParsedKeyCache, logger: Logger, events: EventRecorder? = nil) {
        self.events = events
        self.loader = loader
        self.store = store
        self.keyProvider = keyProvider
        self.keyCache = keyCache
        self.logger = logger
        PortcullisMetrics.bootstrap()
        generationGauge = Gauge(label: PortcullisMetrics.configGeneration)
        reloadCounter = Counter(label: PortcullisMetrics.configReloads)
        failureCounter = Counter(label: PortcullisMetrics.configReloadFailures)
        // Newest-1 buffering coalesces a burst of SIGHUPs or file events into a single pending reload.
        (triggers, trigger) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        generationGauge.record(store.snapshot.generation)
        reloadCounter.increment(by: 0)
        failureCounter.increment(by: 0)
    }

    /// Asks for a reload; returns at once.
    public func requestReload(reason: String) {
        trigger.yield(reason)
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.processTriggers() }
            group.addTask { await self.listenForSIGHUP() }
            let settings = store.snapshot.server.reload
            if settings.watch {
                group.addTask { await self.watchFiles(every: settings.pollInterval) }
            }
            try? await gracefulShutdown()
            trigger.finish()
            group.cancelAll()
        }
    }

    private func processTriggers() async {
        for await reason in triggers {
            _ = await reload(reason: reason)
        }
    }

    private func listenForSIGHUP() async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals {
            requestReload(reason: "SIGHUP")
        }
    }

    /// Polls rather than using inotify: it sees through symlink swaps (Kubernetes ConfigMaps) and
    /// works the same on every filesystem, at the cost of reading a few small files per interval.
    private func watchFiles(every interval: Duration) async {
        var last = ConfigFingerprint.compute(loader, extraFiles: store.snapshot.inputFiles)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let current = ConfigFingerprint.compute(loader, extraFiles: store.snapshot.inputFiles)
            if current != last {
                last = current
                requestReload(reason: "file change")
            }
        }
    }

    /// Loads, validates and swaps in a new snapshot. Returns whether it succeeded.
    @discardableResult
    public func reload(reason: String) async -> Bool {
        let current = store.snapshot
        let started = ContinuousClock.now
        // One core fewer than start-up uses: the server keeps answering while the new snapshot is built.
        let parallelism = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        let result = await loader.load(generation: current.generation + 1, keyProvider: keyProvider, keyCache: keyCache,
                                       parallelism: parallelism)
        guard let snapshot = result.snapshot else {
            failureCounter.increment()
            logger.error("configuration reload failed; still serving the previous configuration", metadata: [
                "trigger": .string(reason), "generation": .stringConvertible(current.generation),
                "issues": .stringConvertible(result.issues.count),
            ])
            for issue in result.issues { logger.error("config: \(issue)") }
            return false
        }
        store.replace(with: snapshot)
        reloadCounter.increment()
        generationGauge.record(snapshot.generation)
        let changes = ConfigChangeSummary(from: current, to: snapshot)
        logger.notice("configuration reloaded", metadata: [
            "trigger": .string(reason), "generation": .stringConvertible(snapshot.generation),
            "hash": .string(snapshot.shortHash), "changes": .string(changes.description),
            "duration_ms": .stringConvertible((ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000
                + (ContinuousClock.now - started).components.seconds * 1000),
        ])
        for warning in result.warnings { logger.warning("config: \(warning)") }
        let changed = Set(changes.tenantsAdded + changes.tenantsChanged)
        events?.record(snapshot.tenants.map { tenant in
            DomainEvent(.configReloaded, tenantID: tenant.id, actor: .system, details: [
                "generation": String(snapshot.generation), "hash": snapshot.shortHash, "trigger": reason,
                "tenant_changed": changed.contains(tenant.id) ? "true" : "false",
            ])
        })
        return true
    }
}
