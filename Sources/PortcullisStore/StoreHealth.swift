/// Readiness of the storage backend.
public protocol StoreHealth: Sendable {
    /// Proves that the database answers a query; used by the readiness probe.
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` when the database cannot be reached or read.
    func ping() async throws

    /// Refreshes what the database's query planner knows about the data, so that a search by
    /// email uses the email index rather than walking the users in creation order. Cheap (SQLite
    /// samples a bounded number of rows); the store does it when it opens, and the hourly
    /// maintenance sweep again as the data grows.
    func refreshStatistics() async throws
}
