import Foundation

/// A user's password, as a hash: the store never sees the password itself.
public struct PasswordCredential: Sendable, Hashable {
    public var tenantID: String
    public var userID: String
    /// A PHC string (`$argon2id$v=19$m=…`) or an imported bcrypt hash (`$2a$…`, `$2b$…`). The store
    /// keeps it verbatim; which algorithm and parameters it uses is the hasher's business, so
    /// hashes can be upgraded on login without a schema change.
    public var hash: String
    /// When the password was last set.
    public var updatedAt: Date

    public init(tenantID: String, userID: String, hash: String, updatedAt: Date) {
        self.tenantID = tenantID
        self.userID = userID
        self.hash = hash
        self.updatedAt = updatedAt
    }
}
