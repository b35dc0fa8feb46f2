import Foundation

/// A login waiting for its user to fill in a form a `post_login` hook asked for (docs/hooks.md).
///
/// The form page carries a random ticket; the store keeps only its SHA-256 digest. The ticket is
/// bound to the browser's session, the client and the exact authorization request, so a ticket
/// copied to another browser, or a form posted with another request, continues nothing.
public struct PausedLogin: Sendable, Hashable {
    /// SHA-256 of the ticket, as 64 lowercase hex characters; the key.
    public var digest: String
    public var tenantID: String
    public var userID: String
    /// Digest of the login session the form was shown in.
    public var sessionDigest: String
    public var clientID: String
    /// SHA-256 (hex) of the authorization request's parameters, as the form page carries them.
    public var requestDigest: String
    /// The hook that asked for the form: it is called again with the values.
    public var hook: String
    public var form: String
    /// What the hooks before the pause decided (claims, metadata changes), as JSON; opaque to the store.
    public var stateJSON: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(digest: String, tenantID: String, userID: String, sessionDigest: String, clientID: String,
                requestDigest: String, hook: String, form: String, stateJSON: String, createdAt: Date, expiresAt: Date) {
        self.digest = digest
        self.tenantID = tenantID
        self.userID = userID
        self.sessionDigest = sessionDigest
        self.clientID = clientID
        self.requestDigest = requestDigest
        self.hook = hook
        self.form = form
        self.stateJSON = stateJSON
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
