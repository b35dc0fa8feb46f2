import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisSAML

/// One whole, validated configuration: immutable and safe to share between requests. A request reads
/// the current snapshot once and uses only that one, so it never sees half of a reload.
public final class ConfigSnapshot: Sendable {
    /// Increases by one with every successful load.
    public let generation: Int
    /// SHA-256 of every input file, hex; equal hashes mean equal inputs.
    public let contentHash: String
    public let loadedAt: Date
    public let server: ServerConfig
    /// Tenants sorted by id.
    public let tenants: [Tenant]
    public let tenantsByID: [String: Tenant]
    public let warnings: [ConfigIssue]
    /// Files read to build this snapshot (the watcher looks at these).
    public let inputFiles: [String]
    /// The SMTP password named by `email.smtp.password`, resolved from the secrets file.
    public let smtpPassword: String?
    private let router: TenantRouter

    init(generation: Int, contentHash: String, server: ServerConfig, tenants: [Tenant], warnings: [ConfigIssue],
         inputFiles: [String], smtpPassword: String? = nil) {
        self.smtpPassword = smtpPassword
        self.generation = generation
        self.contentHash = contentHash
        self.loadedAt = Date()
        self.server = server
        self.tenants = tenants.sorted { $0.id < $1.id }
        self.tenantsByID = Dictionary(tenants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.warnings = warnings
        self.inputFiles = inputFiles
        self.router = TenantRouter(tenants)
    }

    /// The tenant whose issuer covers this host and path, and the path below the issuer's prefix.
    public func route(host: String, path: Substring) -> (tenant: Tenant, path: Substring)? {
        router.route(host: host, path: path)
    }

    /// Short form of the content hash for logs.
    public var shortHash: String { String(contentHash.prefix(12)) }
}

/// A tenant ready to serve: its configuration plus everything resolved from it (keys, client
/// secret digests, published documents), computed once per snapshot.
public final class Tenant: Sendable {
    public let config: TenantConfig
    public let issuer: AbsoluteURL
    /// Signing keys, the active ones first (in configuration order), then the published ones.
    public let signingKeys: [SigningKey]
    /// The keys that sign: one per algorithm, the first is the tenant's default.
    public var activeKeys: ArraySlice<SigningKey> { signingKeys.prefix(activeKeyCount) }
    private let activeKeyCount: Int
    public let jwks: JWKSet
    public let clients: [String: Client]
    /// The OpenID Provider metadata document, serialized once.
    public let discoveryDocument: Data
    /// Checks access tokens this tenant issued (userinfo, introspection, forward-auth Bearer).
    public let accessTokenVerifier: AccessTokenVerifier
    /// Connections and resource servers by name, looked up once here instead of by every flow.
    public let connections: TenantConnections
    public let resourceServers: [String: ResourceServerConfig]
    /// The signing keys of hooks and webhooks, by name, from the secrets file.
    public let hookKeys: [String: HMACKey]
    public let webhookKeys: [String: HMACKey]
    /// SAML service providers by their `id`, ready to serve.
    public let samlServiceProviders: [String: SAMLServiceProvider]

    public var id: String { config.id.value }
    /// The issuer's path (`/acme`), or empty when the issuer is a bare host.
    public var pathPrefix: String { TenantRouter.prefix(of: issuer) }
    public var activeKey: SigningKey? { signingKeys.first }

    init(config: TenantConfig, issuer: AbsoluteURL, signingKeys: [SigningKey], activeKeyCount: Int, clients: [Client],
         hookKeys: [String: HMACKey] = [:], webhookKeys: [String: HMACKey] = [:],
         samlServiceProviders: [String: SAMLServiceProvider] = [:]) {
        self.config = config
        self.samlServiceProviders = samlServiceProviders
        self.hookKeys = hookKeys
        self.webhookKeys = webhookKeys
        self.issuer = issuer
        self.signingKeys = signingKeys
        self.activeKeyCount = activeKeyCount
        self.jwks = JWKSet(signingKeys)
        self.clients = Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.discoveryDocument = DiscoveryDocument.make(config: config, issuer: issuer,
                                                        signingKeys: Array(signingKeys.prefix(activeKeyCount)))
        self.accessTokenVerifier = AccessTokenVerifier(issuer: issuer.text, keys: signingKeys)
        self.connections = TenantConnections(config.connections)
        self.resourceServers = Dictionary(config.resourceServers.map { ($0.identifier.value, $0) },
                                          uniquingKeysWith: { first, _ in first })
    }

    /// The resource server with this identifier (an `audience`), if the tenant defines it.
    public func resourceServer(_ identifier: String?) -> ResourceServerConfig? {
        identifier.flatMap { resourceServers[$0] }
    }
}

/// A client with its secret reduced to a digest (the plain secret is not kept).
public struct Client: Sendable {
    public let config: ClientConfig
    public let secretDigest: SecretDigest?
    public var id: String { config.clientID.value }
}
