import Foundation

/// How to reach the SMTP server. A plain value: the configuration file model maps onto it, and the
/// password arrives already resolved from the secrets file.
public struct EmailSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Connect in plaintext, then upgrade with STARTTLS (submission, port 587). The upgrade is
        /// required: a server that does not offer it fails the delivery instead of being used in clear.
        case startTLS = "starttls"
        /// TLS from the first byte (submissions, port 465).
        case implicitTLS = "tls"
        /// No encryption. Meant for a local relay or a development sink; credentials are refused
        /// unless `allowPlaintextAuthOnLoopback` is set and the host is a loopback address.
        case plaintext = "none"

        public var defaultPort: Int {
            switch self {
            case .startTLS: 587
            case .implicitTLS: 465
            case .plaintext: 25
            }
        }
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The default sender of the emails Portcullis writes (verification, password reset, unlock).
    public var from: EmailAddress
    /// The name given in EHLO; nil uses the domain of `from`.
    public var heloName: String?
    /// TCP connect (and name resolution).
    public var connectTimeout: Duration
    /// Each command's reply, including the greeting and the TLS handshake.
    public var commandTimeout: Duration
    /// The reply after the message body, when servers run their content checks; longer on purpose.
    public var dataTimeout: Duration
    /// A PEM file of CA certificates trusted in addition to the system's roots (a private relay).
    /// Certificates are always verified; there is deliberately no switch to turn that off.
    public var caBundlePath: String?
    /// Lets credentials be sent without TLS when `host` is a loopback address (a local relay or test
    /// server). Ignored for any other host.
    public var allowPlaintextAuthOnLoopback: Bool

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLS,
        username: String? = nil,
        password: String? = nil,
        from: EmailAddress,
        heloName: String? = nil,
        connectTimeout: Duration = .seconds(10),
        commandTimeout: Duration = .seconds(30),
        dataTimeout: Duration = .seconds(120),
        caBundlePath: String? = nil,
        allowPlaintextAuthOnLoopback: Bool = false
    ) {
        self.host = host
        self.port = port ?? security.defaultPort
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.caBundlePath = caBundlePath
        self.allowPlaintextAuthOnLoopback = allowPlaintextAuthOnLoopback
    }

    /// True for `localhost`, 127.0.0.0/8 and ::1: traffic that never leaves the machine.
    var hostIsLoopback: Bool {
        let host = host.lowercased().trimmingCharacters(in: ["[", "]"])
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

extension EmailSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Settings get logged at startup and may be dumped while debugging; the password must not be.
    public var description: String {
        "EmailSettings(host: \(host), port: \(port), security: \(security.rawValue), "
            + "username: \(username ?? "none"), password: \(password == nil ? "none" : "<redacted>"), "
            + "from: \(from.address))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["description": description])
    }
}
