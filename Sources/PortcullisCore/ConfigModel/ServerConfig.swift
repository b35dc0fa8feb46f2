/// The root of `portcullis.yaml`: process-wide settings. Tenants live in `tenants/*.yaml`.
public struct ServerConfig: ConfigObject, Hashable {
    public static let definitionName = "ServerFile"
    public static let summary = "config/portcullis.yaml: process-wide settings shared by all tenants."

    public var server: ServerSettings
    public var storage: StorageSettings
    public var logging: LoggingSettings
    public var reload: ReloadSettings
    public var email: EmailConfig
    public var logs: AuditLogSettings
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        server = r.required("server", "Listener, public URL and security switches.") ?? ServerSettings.fallback
        storage = r.optional("storage", "Where runtime data (users, sessions, tokens) is kept.") ?? .default
        logging = r.optional("logging", "Log level and format.") ?? .default
        reload = r.optional("reload", "Automatic reload when configuration files change.") ?? .default
        email = r.optional("email", "Outgoing email for verification, password reset and unlock links. Read at start.") ?? .disabled
        logs = r.optional("logs", "The audit log: the events the management API's /logs shows.") ?? .default
        source = r.source
    }
}

public struct ServerSettings: ConfigObject, Hashable {
    public static let definitionName = "ServerSettings"
    public static let summary = "HTTP listener and process-wide security settings."

    public var listen: ListenAddress
    public var publicURL: AbsoluteURL?
    public var developmentMode: Bool
    public var maxBodySize: Int
    public var drainTimeout: Duration
    public var trustedProxies: [IPNetwork]
    public var templatesDirectory: String
    public var source: SourceMap

    static let fallback = ServerSettings(
        listen: ListenAddress("127.0.0.1:8080")!, publicURL: nil, developmentMode: false, maxBodySize: 1 << 20,
        drainTimeout: .seconds(20), trustedProxies: [], templatesDirectory: "Templates",
        source: SourceMap(object: SourceLocation(file: "", line: 0, column: 0, path: "server")))

    init(listen: ListenAddress, publicURL: AbsoluteURL?, developmentMode: Bool, maxBodySize: Int,
         drainTimeout: Duration, trustedProxies: [IPNetwork], templatesDirectory: String, source: SourceMap) {
        self.listen = listen
        self.publicURL = publicURL
        self.developmentMode = developmentMode
        self.maxBodySize = maxBodySize
        self.drainTimeout = drainTimeout
        self.trustedProxies = trustedProxies
        self.templatesDirectory = templatesDirectory
        self.source = source
    }

    public init(reading r: ObjectReader) {
        listen = r.value("listen", default: ListenAddress("127.0.0.1:8080")!,
                         "Address and port the HTTP server binds to. Use 0.0.0.0:8080 in containers.")
        publicURL = r.optional("public_url",
                               "Base URL at which clients reach this server; used for links that belong to no tenant.")
        developmentMode = r.value("development_mode", default: false,
                                  "Allows conveniences that are unsafe in production: tenants without signing keys get generated ES256 and RS256 keys stored in the database. Logged loudly.")
        maxBodySize = r.integer("max_body_size", default: 1 << 20, in: 1024...(64 << 20),
                                "Largest accepted request body in bytes; larger requests get 413.")
        drainTimeout = r.value("drain_timeout", default: .seconds(20),
                               "On SIGTERM/SIGINT, how long in-flight requests may take to finish before the process exits.")
        trustedProxies = r.list("trusted_proxies",
                                "Networks of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto headers are believed.")
        templatesDirectory = r.value("templates_directory", default: "Templates",
                                     "Directory of the hosted pages' templates, messages (i18n/) and stylesheet (assets/); relative to the working directory. Read at start.")
        source = r.source
    }
}

public struct StorageSettings: ConfigObject, Hashable {
    public static let definitionName = "StorageSettings"
    public static let summary = "Runtime data store. SQLite is embedded and needs no set-up."

    public enum Driver: String, ConfigEnum { case sqlite }

    public var driver: Driver
    public var sqlite: SQLiteSettings
    public var source: SourceMap

    static let `default` = StorageSettings(
        driver: .sqlite, sqlite: .default, source: SourceMap(object: .init(file: "", line: 0, column: 0, path: "storage")))

    init(driver: Driver, sqlite: SQLiteSettings, source: SourceMap) {
        self.driver = driver
        self.sqlite = sqlite
        self.source = source
    }

    public init(reading r: ObjectReader) {
        driver = r.value("driver", default: .sqlite, "Storage driver.")
        sqlite = r.optional("sqlite", "SQLite settings (driver: sqlite).") ?? .default
        source = r.source
    }
}

extension StorageSettings.Driver: ConfigDefault {
    public var defaultJSON: JSONValue { .string(rawValue) }
}

public struct SQLiteSettings: ConfigObject, Hashable {
    public static let definitionName = "SQLiteSettings"
    public static let summary = "The embedded SQLite database (one writer: run a single replica)."

    public var path: String
    public var busyTimeout: Duration
    public var source: SourceMap

    static let `default` = SQLiteSettings(
        path: "data/portcullis.sqlite", busyTimeout: .seconds(5),
        source: SourceMap(object: .init(file: "", line: 0, column: 0, path: "storage.sqlite")))

    init(path: String, busyTimeout: Duration, source: SourceMap) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.source = source
    }

    public init(reading r: ObjectReader) {
        path = r.value("path", default: "data/portcullis.sqlite",
                       "Database file; relative paths are resolved against the working directory. Created with its directory on first start.")
        busyTimeout = r.value("busy_timeout", default: .seconds(5),
                              "How long a write waits for the database lock before failing.")
        source = r.source
        if !r.isDescribing, path.isEmpty { r.report("path", "must not be empty") }
    }
}

public struct LoggingSettings: ConfigObject, Hashable {
    public static let definitionName = "LoggingSettings"
    public static let summary = "Structured logs on standard error. Lines written while serving a request carry its `request_id` (the proxy's `X-Request-Id` when well-formed, also returned in the response) and `tenant`."

    public enum Level: String, ConfigEnum, ConfigDefault {
        case trace, debug, info, notice, warning, error, critical
        public var defaultJSON: JSONValue { .string(rawValue) }
    }
    public enum Format: String, ConfigEnum, ConfigDefault {
        case text, json
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var level: Level
    public var format: Format

    static let `default` = LoggingSettings(level: .info, format: .text)

    init(level: Level, format: Format) {
        self.level = level
        self.format = format
    }

    public init(reading r: ObjectReader) {
        level = r.value("level", default: .info, "Lowest level written.")
        format = r.value("format", default: .text, "text for people, json for log pipelines.")
    }
}

public struct ReloadSettings: ConfigObject, Hashable {
    public static let definitionName = "ReloadSettings"
    public static let summary = "Reload on file changes (SIGHUP always reloads)."

    public var watch: Bool
    public var pollInterval: Duration

    static let `default` = ReloadSettings(watch: true, pollInterval: .seconds(2))

    init(watch: Bool, pollInterval: Duration) {
        self.watch = watch
        self.pollInterval = pollInterval
    }

    public init(reading r: ObjectReader) {
        watch = r.value("watch", default: true,
                        "Poll the config directory and the secrets file and reload when their content changes. Follows symlinks, so editors' rename-on-save and Kubernetes ConfigMap updates are seen.")
        pollInterval = r.value("poll_interval", default: .seconds(2), "How often to look for changes.")
        if !r.isDescribing, pollInterval < .milliseconds(100) || pollInterval > .seconds(3600) {
            r.report("poll_interval", "must be between 100ms and 1h")
            pollInterval = .seconds(2)
        }
    }
}

public struct AuditLogSettings: ConfigObject, Hashable {
    public static let definitionName = "AuditLogSettings"
    public static let summary = "How long audit events (the management API's logs) are kept."

    public var retention: Duration

    static let `default` = AuditLogSettings(retention: .seconds(30 * 86_400))

    init(retention: Duration) {
        self.retention = retention
    }

    public init(reading r: ObjectReader) {
        retention = r.value("retention", default: .seconds(30 * 86_400),
                            "Events older than this are deleted in the background, hourly (Auth0 keeps 30 days on most plans).")
        guard !r.isDescribing else { return }
        if retention < .seconds(3600) || retention > .seconds(3650 * 86_400) { r.report("retention", "must be between 1h and 3650d") }
    }
}
