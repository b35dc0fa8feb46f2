/// Outgoing email for verification, password reset and unlock links.
public struct EmailConfig: ConfigObject, Hashable {
    public static let definitionName = "Email"
    public static let summary = "Outgoing email: SMTP, or a directory of .eml files for development."

    public enum Transport: String, ConfigEnum, ConfigDefault, Sendable {
        /// Deliver through an SMTP server.
        case smtp
        /// Write each message as a file (development).
        case directory
        /// Send nothing; flows that need email say so.
        case disabled
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var transport: Transport
    public var from: String
    public var smtp: SMTPConfig?
    public var directory: String
    public var source: SourceMap?

    public static let disabled = EmailConfig(transport: .disabled, from: "", smtp: nil, directory: "data/mail", source: nil)

    init(transport: Transport, from: String, smtp: SMTPConfig?, directory: String, source: SourceMap?) {
        self.transport = transport
        self.from = from
        self.smtp = smtp
        self.directory = directory
        self.source = source
    }

    public init(reading r: ObjectReader) {
        transport = r.value("transport", default: .disabled, "smtp, directory (development) or disabled.")
        from = r.optional("from", "Sender, e.g. \"Acme Login <no-reply@acme.test>\".") ?? ""
        smtp = r.optional("smtp", "SMTP server (transport: smtp).")
        directory = r.value("directory", default: "data/mail", "Where transport: directory writes messages (.eml files).")
        source = r.source
        guard !r.isDescribing else { return }
        if transport != .disabled, from.isEmpty { r.report("from", "is required unless transport is disabled") }
        if transport == .smtp, smtp == nil, !r.source.invalidFields.contains("smtp") {
            r.report("smtp", "is required with transport: smtp")
        }
        if from.contains("\r") || from.contains("\n") { r.report("from", "must be a single line") }
    }
}

public struct SMTPConfig: ConfigObject, Hashable {
    public static let definitionName = "SMTP"
    public static let summary = "An SMTP server. TLS certificates are verified; passwords are sent only over TLS."

    public enum Security: String, ConfigEnum, ConfigDefault, Sendable {
        case starttls, tls, none
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var host: String
    public var port: Int?
    public var security: Security
    public var username: String?
    public var password: Located<String>?
    public var heloName: String?
    public var timeout: Duration
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        host = r.required("host", "Server host name.") ?? ""
        port = r.optional("port", "Port; default 587 (starttls), 465 (tls) or 25 (none).")
        security = r.value("security", default: .starttls, "starttls, tls (implicit) or none (loopback sinks only).")
        username = r.optional("username", "User name for AUTH.")
        password = r.optional("password", "Secrets-file key of the SMTP password.")
        heloName = r.optional("helo_name", "Name sent in EHLO; default the host name.")
        timeout = r.value("timeout", default: .seconds(10), "Time allowed for connecting and for each command.")
        source = r.source
        guard !r.isDescribing else { return }
        if let port, !(1...65535).contains(port) { r.report("port", "must be between 1 and 65535") }
        if password != nil, username == nil { r.report("username", "is required when a password is given") }
    }
}
