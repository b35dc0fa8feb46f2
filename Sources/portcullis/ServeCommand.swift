import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PortcullisConfig
import PortcullisCrypto
import PortcullisEmail
import PortcullisCore
import PortcullisHTTP
import PortcullisHooks
import PortcullisStore
import PortcullisStoreFactory
import PortcullisUI
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the server.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Listen address (host:port), overriding server.listen.")
    var listen: String?

    @Option(help: "SQLite database file, overriding storage.sqlite.path.")
    var database: String?

    func run() async throws {
        let loader = ConfigLoader(configDirectory: options.config, secretsPath: options.secrets)
        let (serverFile, serverIssues) = loader.loadServerConfig()
        guard let serverFile else {
            for issue in serverIssues { printError("\(issue)") }
            printError("error: configuration is invalid; not starting")
            throw ExitCode(1)
        }
        LogSetup.bootstrap(serverFile.logging)
        var logger = Logger(label: "portcullis")
        logger.logLevel = LogSetup.level(serverFile.logging.level)

        var listenAddress = serverFile.server.listen
        if let listen {
            guard let address = ListenAddress(listen) else {
                printError("error: --listen must be host:port, got \"\(listen)\"")
                throw ExitCode(64)
            }
            listenAddress = address
        }
        if options.usesExampleSecrets {
            logger.warning("""
                USING secrets.example.yaml: its keys and client secrets are PUBLIC development values. \
                Anyone can forge tokens for this server. Never use it outside local development.
                """)
        }
        if serverFile.server.developmentMode {
            logger.warning("development_mode is on: tenants without signing keys get generated keys. Not for production.")
        }

        let opened: OpenedStore
        do {
            opened = try StoreFactory.open(serverFile.storage, databaseOverride: database)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let storage = opened.storage
        logger.info("database ready", metadata: [
            "driver": .string(opened.driver.rawValue), "path": .string(opened.location),
            "schema": .string(opened.schemaVersion),
        ])

        let keyProvider = StoreKeyProvider(storage: storage)
        let keyCache = ParsedKeyCache()
        let result = await loader.load(generation: 1, keyProvider: keyProvider, keyCache: keyCache)
        for warning in result.warnings { logger.warning("config: \(warning)") }
        guard let snapshot = result.snapshot else {
            for issue in result.issues { printError("\(issue)") }
            printError("error: configuration is invalid (\(result.issues.count) problems); not starting")
            throw ExitCode(1)
        }
        logger.notice("configuration loaded", metadata: [
            "generation": .stringConvertible(snapshot.generation), "hash": .string(snapshot.shortHash),
            "tenants": .stringConvertible(snapshot.tenants.count),
        ])

        let renderer: PageRenderer
        do {
            renderer = try await PageRenderer(templateDirectory: serverFile.server.templatesDirectory)
        } catch {
            printError("error: cannot load the hosted page templates from \(serverFile.server.templatesDirectory): \(error)")
            throw ExitCode(1)
        }

        let mail: (AccountMail, MailOutbox)?
        do {
            mail = try MailSetup.make(snapshot.server.email, smtpPassword: snapshot.smtpPassword, storage: storage,
                                      catalog: renderer.catalog, logger: logger)
        } catch {
            printError("error: email settings are unusable: \(error)")
            throw ExitCode(1)
        }

        let configStore = ConfigStore(snapshot)
        let serverLogger = logger
        let address = listenAddress
        // One outbound HTTP client (pooled keep-alive connections) for hooks and webhooks.
        let webhookSender = HTTPWebhookSender()
        let services = ServerServices(
            storage: storage, renderer: renderer,
            hashing: PasswordHashingPool(observer: PortcullisMetrics.passwordHashObserver()), mail: mail?.0,
            hookTransport: webhookSender, configStore: configStore, logger: logger)
        let reloader = ConfigReloader(loader: loader, store: configStore, keyProvider: keyProvider,
                                      keyCache: keyCache, logger: logger, events: services.events)
        let outbox = OutboxWorker(storage: storage, snapshot: { configStore.snapshot }, sender: webhookSender,
                                  logger: Logger(label: "portcullis.webhooks"))
        let app = ApplicationBuilder.build(
            configStore: configStore, services: services, listen: listenAddress, logger: logger,
            onServerRunning: { port in
                serverLogger.notice("listening", metadata: ["address": .string("http://\(address.host):\(port)")])
                for tenant in configStore.snapshot.tenants {
                    serverLogger.info("tenant ready", metadata: ["tenant": .string(tenant.id), "issuer": .string(tenant.issuer.text)])
                }
            })
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: reloader),
                       .init(service: StoreMaintenance(storage: storage,
                                                       auditRetention: { configStore.snapshot.server.logs.retention },
                                                       logger: logger)),
                       .init(service: outbox)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // In-flight requests get the drain timeout to finish; then the group cancels what is left.
        groupConfiguration.maximumGracefulShutdownDuration = serverFile.server.drainTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            logger.error("server stopped with an error", metadata: ["error": "\(error)"])
            // The HTTP client must be shut down on every way out (its deinit traps otherwise).
            try? await webhookSender.shutdown()
            throw ExitCode(1)
        }
        // Events of the last requests (failed logins, tokens) are still in the recorder's buffer;
        // written now, they enter the webhook outbox and go out at the next start.
        await services.events.flush()
        try? await webhookSender.shutdown()
        if let outbox = mail?.1, await !outbox.drain(timeout: .seconds(5)) {
            logger.warning("stopped with undelivered email still queued")
        }
        logger.notice("stopped")
    }
}
