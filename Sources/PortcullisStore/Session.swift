import Foundation

/// A login session, the server side of the session cookie.
///
/// The cookie holds a random 32-byte token; the store keeps only its SHA-256 digest, so a copy of
/// the database (a backup, a leaked file) cannot be turned into live cookies. Callers hash the
/// cookie's token and pass the digest to every ``SessionStore`` operation.
public struct Session: Sendable, Hashable {
    /// SHA-256 of the cookie's token, as 64 lowercase hex characters; the session's key.
    public var digest: String
    public var tenantID: String
    public var userID: String
    public var createdAt: Date
    /// The last request seen with this session, moved forward by ``SessionStore/touch(tenantID:digest:now:idleExpiresAt:)``.
    public var lastSeenAt: Date
    /// When the user last proved who they are (OIDC `auth_time`); a silent SSO login keeps it.
    public var authTime: Date
    /// How they proved it (OIDC `amr`), e.g. `["pwd"]`.
    public var amr: [String]
    /// The client's IP address at login, when known.
    public var ip: String?
    /// The client's `User-Agent` at login, when known.
    public var userAgent: String?
    /// The session ends if no request comes before this time; each request moves it forward.
    public var idleExpiresAt: Date
    /// The session ends at this time however active it is.
    public var absoluteExpiresAt: Date
    /// When the session was logged out or revoked; a revoked session never works again.
    public var revokedAt: Date?

    public init(
        digest: String,
        tenantID: String,
        userID: String,
        createdAt: Date,
        lastSeenAt: Date? = nil,
        authTime: Date? = nil,
        amr: [String],
        ip: String? = nil,
        userAgent: String? = nil,
        idleExpiresAt: Date,
        absoluteExpiresAt: Date,
        revokedAt: Date? = nil
    ) {
        self.digest = digest
        self.tenantID = tenantID
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt ?? createdAt
        self.authTime = authTime ?? createdAt
        self.amr = amr
        self.ip = ip
        self.userAgent = userAgent
        self.idleExpiresAt = idleExpiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.revokedAt = revokedAt
    }

    /// Whether the session can be used at `now`: not revoked, and neither timeout has passed.
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && idleExpiresAt > now && absoluteExpiresAt > now
    }
}
