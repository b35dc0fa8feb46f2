import Foundation

/// A signing key that Portcullis generated for a tenant and keeps in the store.
///
/// Only development mode generates keys; production keys come from configuration files and are
/// never written here. The private key is stored as PEM text because it exists for convenience on
/// a developer machine, not as a protected secret.
public struct StoredSigningKey: Sendable, Hashable {
    /// The tenant that owns the key.
    public var tenantID: String
    /// Key ID published in the JWKS and JWT headers; unique within a tenant.
    public var kid: String
    /// JOSE algorithm name, e.g. `"ES256"`.
    public var algorithm: String
    /// The private key in PEM encoding.
    public var privateKeyPEM: String
    /// When the key was generated. Stores keep at least millisecond precision.
    public var createdAt: Date

    /// Creates a key value; nothing is stored until it is passed to a ``SigningKeyStore``.
    public init(tenantID: String, kid: String, algorithm: String, privateKeyPEM: String, createdAt: Date) {
        self.tenantID = tenantID
        self.kid = kid
        self.algorithm = algorithm
        self.privateKeyPEM = privateKeyPEM
        self.createdAt = createdAt
    }
}
