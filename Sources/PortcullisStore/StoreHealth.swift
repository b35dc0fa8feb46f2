/// Readiness of the storage backend.
public protocol StoreHealth: Sendable {
    /// Proves that the database answers a query; used by the readiness probe.
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` when the database cannot be reached or read.
    func ping() async throws
}
