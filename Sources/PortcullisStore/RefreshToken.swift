import Foundation

/// An OAuth 2.0 refresh token. The client holds a random token; the store keeps its SHA-256 digest.
///
/// Tokens rotate: each use spends the token and issues a successor in the same family. All tokens
/// descended from one authorization share ``familyID`` (the code's grant ID), so presenting a
/// spent token again (a stolen copy, RFC 9700 §4.14.2) revokes the whole family at once.
public struct RefreshToken: Sendable, Hashable {
    /// SHA-256 of the token, as 64 lowercase hex characters; the token's key.
    public var digest: String
    public var tenantID: String
    public var clientID: String
    public var userID: String
    /// The grant this token descends from; shared by every rotation of it.
    public var familyID: String
    public var scopes: [String]
    public var audience: String?
    public var organizationID: String?
    /// The login session behind the grant, if any (for `sid` in refreshed ID tokens).
    public var sessionDigest: String?
    public var authTime: Date
    public var amr: [String]
    public var createdAt: Date
    /// The token stops working if not used before this time (the idle lifetime); each rotation's
    /// successor gets a new one, never past ``absoluteExpiresAt``.
    public var expiresAt: Date
    /// The family's hard end, fixed when the grant was first made.
    public var absoluteExpiresAt: Date
    /// When the token was rotated (spent); a spent token presented again is a reuse.
    public var usedAt: Date?
    /// When the token (or its family) was revoked.
    public var revokedAt: Date?

    public init(
        digest: String, tenantID: String, clientID: String, userID: String, familyID: String,
        scopes: [String], audience: String? = nil, organizationID: String? = nil,
        sessionDigest: String? = nil, authTime: Date, amr: [String], createdAt: Date,
        expiresAt: Date, absoluteExpiresAt: Date, usedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.digest = digest
        self.tenantID = tenantID
        self.clientID = clientID
        self.userID = userID
        self.familyID = familyID
        self.scopes = scopes
        self.audience = audience
        self.organizationID = organizationID
        self.sessionDigest = sessionDigest
        self.authTime = authTime
        self.amr = amr
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }

    /// Whether the token can be used at `now`: not spent, not revoked, and neither lifetime passed.
    public func isActive(at now: Date) -> Bool {
        usedAt == nil && revokedAt == nil && expiresAt > now && absoluteExpiresAt > now
    }
}

/// What happened when a refresh token was presented for rotation.
public enum RefreshTokenRotation: Sendable, Hashable {
    /// The token was active: it is now spent and its successor is stored. Returns the old token.
    case rotated(RefreshToken)
    /// The token was already spent: a reuse. The store has revoked its whole family.
    case reused(RefreshToken)
    /// Unknown in this tenant, expired, revoked, or its user is blocked or deleted.
    case invalid
}
