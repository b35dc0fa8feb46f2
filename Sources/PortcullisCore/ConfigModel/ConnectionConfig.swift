/// A source of users. `database` keeps users and their password hashes in the store.
public struct ConnectionConfig: ConfigObject, Hashable {
    public static let definitionName = "Connection"
    public static let summary = "A connection: where users and their credentials come from."

    public enum Kind: String, ConfigEnum, Sendable { case database }
    public enum LoginIdentifier: String, ConfigEnum, ConfigDefault, Sendable {
        case email, username, emailOrUsername = "email_or_username"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var name: Identifier
    public var type: Kind
    public var signupEnabled: Bool
    public var loginIdentifier: LoginIdentifier
    public var passwordPolicy: PasswordPolicy
    public var passwordHashing: PasswordHashing
    public var lockout: LockoutSettings
    public var rateLimits: RateLimits
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "Connection name, referenced by clients; unique within the tenant.") ?? ""
        type = r.required("type", "Kind of connection.") ?? .database
        signupEnabled = r.value("signup_enabled", default: false, "Whether people may create their own accounts.")
        loginIdentifier = r.value("login_identifier", default: .email, "What users type to log in.")
        passwordPolicy = r.optional("password_policy", "Rules for new passwords.") ?? PasswordPolicy()
        passwordHashing = r.optional("password_hashing", "argon2id parameters for password hashes.") ?? PasswordHashing()
        lockout = r.optional("lockout", "Per-account lockout after repeated failures.") ?? LockoutSettings()
        rateLimits = r.optional("rate_limits", "Per-client-address limits on login, sign-up and reset requests.") ?? RateLimits()
        source = r.source
    }
}

public struct PasswordPolicy: ConfigObject, Hashable {
    public static let definitionName = "PasswordPolicy"
    public static let summary = "Rules a new password must meet."

    public var minLength = 10
    public var rejectCommonPasswords = true
    public var rejectEmailAsPassword = true

    public init() {}

    public init(reading r: ObjectReader) {
        minLength = r.integer("min_length", default: 10, in: 8...128,
                              "Minimum number of characters (NIST SP 800-63B asks for at least 8).")
        rejectCommonPasswords = r.value("reject_common_passwords", default: true,
                                        "Refuse passwords from the shipped list of common passwords.")
        rejectEmailAsPassword = r.value("reject_email_as_password", default: true,
                                        "Refuse a password equal to the email address or username.")
    }
}

public struct PasswordHashing: ConfigObject, Hashable {
    public static let definitionName = "PasswordHashing"
    public static let summary = "argon2id cost parameters; hashes are upgraded on login when these change."

    public var memoryKiB = 19_456
    public var iterations = 2
    public var parallelism = 1

    public init() {}

    public init(reading r: ObjectReader) {
        memoryKiB = r.integer("memory_kib", default: 19_456, in: 8_192...1_048_576,
                              "Memory per hash in KiB (OWASP minimum: 19456 with 2 iterations).")
        iterations = r.integer("iterations", default: 2, in: 1...20, "Passes over memory.")
        parallelism = r.integer("parallelism", default: 1, in: 1...16, "Lanes per hash.")
    }
}

public struct LockoutSettings: ConfigObject, Hashable {
    public static let definitionName = "Lockout"
    public static let summary = "Account lockout after consecutive failed logins."

    public var maxFailures = 5
    public var duration: Duration = .seconds(900)

    public init() {}

    public init(reading r: ObjectReader) {
        maxFailures = r.integer("max_failures", default: 5, in: 1...1000,
                                "Consecutive failed logins that lock the account.")
        duration = r.value("duration", default: .seconds(900),
                           "How long the account stays locked (an emailed link unlocks it sooner).")
        if !r.isDescribing, duration < .seconds(1) { r.report("duration", "must be at least 1s") }
    }
}
