/// Password hashes, at most one per user.
public protocol CredentialStore: Sendable {
    /// Sets the user's password hash, replacing any previous one.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if the user does not exist in the tenant.
    func setPassword(_ credential: PasswordCredential, events: [DomainEvent]) async throws

    /// The user's password hash, or `nil` if the user has none (or does not exist).
    func password(tenantID: String, userID: String) async throws -> PasswordCredential?

    /// Removes the user's password hash, so that password login fails until a new one is set.
    ///
    /// - Returns: whether there was one.
    @discardableResult
    func deletePassword(tenantID: String, userID: String) async throws -> Bool
}

extension CredentialStore {
    // The same operations with no event, for callers that record none (tests, maintenance).
    public func setPassword(_ credential: PasswordCredential) async throws {
        try await setPassword(credential, events: [])
    }
}
