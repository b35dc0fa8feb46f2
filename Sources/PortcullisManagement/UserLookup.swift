import PortcullisConfig
import PortcullisStore

/// The user a path's `{id}` names: Auth0's `connection|id`, both parts matching, or 404.
public struct UserLookup: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    /// A linked identity is not a user of its own: reading, changing or deleting it directly is a
    /// 404, as in Auth0; it is reached through its primary.
    public func user(_ id: String, tenant: Tenant) async throws -> User {
        guard let (connection, userID) = Self.split(id),
              let user = try await storage.user(tenantID: tenant.id, id: userID), user.connection == connection,
              user.linkedTo == nil
        else { throw ManagementError.noSuchUser }
        return user
    }

    /// ``user(_:tenant:)`` with its linked identities, in one read: what `GET /users/{id}` shows.
    public func userWithIdentities(_ id: String, tenant: Tenant) async throws -> UserWithIdentities {
        guard let (connection, userID) = Self.split(id),
              let found = try await storage.userWithIdentities(tenantID: tenant.id, id: userID),
              found.user.connection == connection, found.user.linkedTo == nil
        else { throw ManagementError.noSuchUser }
        return found
    }

    /// The user with its linked identities, for the representation.
    public func identities(of user: User, tenant: Tenant) async throws -> [User] {
        try await storage.linkedUsers(tenantID: tenant.id, primaryID: user.id)
    }

    static func split(_ id: String) -> (connection: String, id: String)? {
        guard let bar = id.firstIndex(of: "|") else { return nil }
        let connection = String(id[..<bar]), userID = String(id[id.index(after: bar)...])
        guard !connection.isEmpty, !userID.isEmpty, userID.utf8.count <= 64 else { return nil }
        return (connection, userID)
    }
}
