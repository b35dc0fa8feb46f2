import Foundation

/// What an emailed link lets its holder do. Each purpose has its own tokens: a verification link
/// can never reset a password.
public enum EmailTokenPurpose: String, Sendable, Hashable, CaseIterable {
    case verifyEmail = "verify_email"
    case resetPassword = "reset_password"
    case unlock
}

/// A single-use token sent by email (verification, password reset, account unlock).
///
/// The link carries a random token; the store keeps only its SHA-256 digest, so reading the
/// database does not let anyone follow a link that is still valid.
public struct EmailToken: Sendable, Hashable {
    /// SHA-256 of the link's token, as 64 lowercase hex characters; the token's key.
    public var digest: String
    public var tenantID: String
    public var userID: String
    public var purpose: EmailTokenPurpose
    public var expiresAt: Date
    /// When the token was consumed; a used token is never accepted again.
    public var usedAt: Date?

    public init(
        digest: String, tenantID: String, userID: String, purpose: EmailTokenPurpose,
        expiresAt: Date, usedAt: Date? = nil
    ) {
        self.digest = digest
        self.tenantID = tenantID
        self.userID = userID
        self.purpose = purpose
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}
