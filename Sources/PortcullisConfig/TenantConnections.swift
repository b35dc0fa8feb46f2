import PortcullisCore

/// A tenant's connections, indexed once per snapshot: the lookups every login, sign-up and reset
/// flow makes.
public struct TenantConnections: Sendable {
    /// In configuration order.
    public let all: [ConnectionConfig]
    public let byName: [String: ConnectionConfig]
    /// The password (database) connections, in configuration order.
    public let databases: [ConnectionConfig]

    init(_ connections: [ConnectionConfig]) {
        all = connections
        byName = Dictionary(connections.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        databases = connections.filter { $0.type == .database }
    }

    /// The database connection the hosted login page uses: the first one.
    public var loginDatabase: ConnectionConfig? { databases.first }

    /// The database connection that accepts sign-ups, if any.
    public var signup: ConnectionConfig? { databases.first { $0.signupEnabled } }

    /// The rate limits of the hosted pages: the login connection's, or the defaults.
    public var rateLimits: RateLimits { loginDatabase?.rateLimits ?? RateLimits() }

    public subscript(name: String) -> ConnectionConfig? { byName[name] }
}
