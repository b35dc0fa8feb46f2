import Hummingbird
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisStore
import PortcullisUI

/// Builds the HTTP application. Shared by `portcullis serve` and the tests, so tests exercise exactly
/// what production runs. `services` is built once by the caller and shared by every endpoint.
public enum ApplicationBuilder {
    public static func build(
        configStore: ConfigStore,
        services: ServerServices,
        listen: ListenAddress,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<PortcullisResponder> {
        PortcullisMetrics.bootstrap()
        let responder = PortcullisResponder(configStore: configStore, services: services)
        return Application(
            responder: responder,
            // No `Server` header: it tells scanners what to probe for, and the resolver would add it
            // to every one of its answers.
            configuration: .init(address: .hostname(listen.host, port: listen.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? listen.port) },
            logger: logger
        )
    }
}
