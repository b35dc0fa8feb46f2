import Hummingbird
import Logging
import NIOCore
import PortcullisConfig

/// Per-request state: the configuration snapshot pinned for the whole request, the tenant the request
/// was routed to, and the request id that every log line carries.
public struct PortcullisRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `PortcullisResponder` before any handler runs.
    public var snapshot: ConfigSnapshot?
    public var tenant: Tenant?
    public var requestID: String = ""
    private let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The peer's address; see `clientAddress` for the address behind trusted proxies. Formatted
    /// when asked for: most requests (the resolver's, unless a rule matches networks) never need it.
    public var remoteAddress: String? { channel.remoteAddress?.ipAddress }

    /// The routed tenant; tenant routes are only reachable through tenant routing, so its absence is
    /// a programming error reported as a 500 rather than a crash.
    public func requireTenant() throws -> Tenant {
        guard let tenant else { throw HTTPError(.internalServerError) }
        return tenant
    }
}
