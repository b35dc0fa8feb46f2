import Logging
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisHooks
import PortcullisOAuth
import PortcullisStore
import PortcullisUI

/// Everything the endpoints share, built once per server: `portcullis serve` builds it and hands it
/// to ``ApplicationBuilder``, so the lifecycle (flushing events at shutdown) and every endpoint
/// work on the same instances.
///
/// The protocol endpoints (OAuth, resolver, hosted pages, later the management API) take what they
/// need from here; none of them builds its own store access, cache or recorder.
public struct ServerServices: Sendable {
    public let storage: any PortcullisStorage
    /// The hosted pages' templates and messages: the login UI and the OAuth pages (consent, errors).
    public let renderer: PageRenderer
    public let hashing: PasswordHashingPool
    /// Account emails; nil when `email.transport` is disabled.
    public let mail: AccountMail?
    public let rateLimiter: RateLimiter
    /// Events that describe no stored change (see ``EventRecorder``).
    public let events: EventRecorder
    /// The resolver's cache of sessions and access tokens; every invalidation in this process reaches it.
    public let sessionCache: SessionCache
    /// Ends sessions: the store, then the cache.
    public let sessions: SessionRevocation
    /// Blocks and deletes users: the one implementation the hosted pages, CLI and API share.
    public let accounts: AccountService
    public let login: LoginService
    /// The tenant's `post_login` and `credentials_exchange` hooks (no-ops without a hook transport).
    public let tokenHooks: any TokenHooks

    public init(storage: any PortcullisStorage, renderer: PageRenderer, hashing: PasswordHashingPool,
                mail: AccountMail? = nil, rateLimiter: RateLimiter = RateLimiter(),
                sessionCache: SessionCache = SessionCache(), hookTransport: (any HookTransport)? = nil,
                configStore: ConfigStore? = nil, logger: Logger = Logger(label: "portcullis.events")) {
        self.storage = storage
        self.renderer = renderer
        self.hashing = hashing
        self.mail = mail
        self.rateLimiter = rateLimiter
        self.sessionCache = sessionCache
        events = EventRecorder(store: storage) { error, lost in
            logger.error("audit events could not be written", metadata: ["lost": "\(lost)", "error": "\(error)"])
        }
        sessions = SessionRevocation(sessions: storage, observer: sessionCache)
        login = LoginService(storage: storage, hashing: hashing, events: events)
        let hookLogger = Logger(label: "portcullis.hooks")
        let runner = hookTransport.map { HookRunner(transport: $0, logger: hookLogger) }
        tokenHooks = runner.map { HTTPTokenHooks(runner: $0, storage: storage, logger: hookLogger) } ?? NoTokenHooks()
        let accountHooks: any AccountHooks = if let runner, let configStore {
            HTTPAccountHooks(runner: runner, configStore: configStore, logger: hookLogger)
        } else {
            NoAccountHooks()
        }
        accounts = AccountService(storage: storage, invalidation: sessionCache, hashing: hashing, hooks: accountHooks)
    }
}
