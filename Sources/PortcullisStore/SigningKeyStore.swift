/// Keys that Portcullis generates for tenants in development mode.
public protocol SigningKeyStore: Sendable {
    /// All keys generated for `tenantID`, oldest first; empty when there are none.
    func generatedKeys(tenantID: String) async throws -> [StoredSigningKey]

    /// Stores `key` unless the tenant already has a generated key for `key.algorithm`.
    ///
    /// The check and the insert are one atomic step, so replicas that start at the same time and
    /// each generate a key all end up using the same one.
    ///
    /// - Returns: the key that is stored for the tenant and algorithm: `key` itself if it was
    ///   inserted, otherwise the key that was there first.
    /// - Throws: ``StoreError/conflict(_:)`` if the tenant already has a key with the same `kid`
    ///   for another algorithm.
    func insertGeneratedKeyIfAbsent(_ key: StoredSigningKey) async throws -> StoredSigningKey
}
