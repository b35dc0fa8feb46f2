/// Per-client-address rate limits of a connection's pages (token buckets).
public struct RateLimits: ConfigObject, Hashable {
    public static let definitionName = "RateLimits"
    public static let summary = "Token-bucket limits per client address for login, sign-up and password reset."

    public var login = RateLimit(burst: 60, perMinute: 120)
    public var signup = RateLimit(burst: 10, perMinute: 6)
    public var passwordReset = RateLimit(burst: 10, perMinute: 6)

    public init() {}

    public init(reading r: ObjectReader) {
        login = r.optional("login", "Login attempts. Default: 60 at once, then 120 a minute.") ?? RateLimit(burst: 60, perMinute: 120)
        signup = r.optional("signup", "Sign-ups. Default: 10 at once, then 6 a minute.") ?? RateLimit(burst: 10, perMinute: 6)
        passwordReset = r.optional("password_reset", "Reset emails requested. Default: 10 at once, then 6 a minute.")
            ?? RateLimit(burst: 10, perMinute: 6)
    }
}

public struct RateLimit: ConfigObject, Hashable {
    public static let definitionName = "RateLimit"
    public static let summary = "A token bucket: `burst` requests at once, refilled at `per_minute`."

    public var burst: Int
    public var perMinute: Int

    public init(burst: Int, perMinute: Int) {
        self.burst = burst
        self.perMinute = perMinute
    }

    public init(reading r: ObjectReader) {
        burst = r.integer("burst", default: 60, in: 1...1_000_000, "Requests allowed at once.")
        perMinute = r.integer("per_minute", default: 120, in: 1...10_000_000, "Requests added back per minute.")
    }
}
