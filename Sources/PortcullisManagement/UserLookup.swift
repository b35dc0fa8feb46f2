import PortcullisConfig
import PortcullisStore

/// The user a path's `{id}` names: Auth0's `connection|id`, both parts matching, or 404.
public struct UserLookup: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    public func user(_ id: String, tenant: Tenant) async throws -> User {
        guard let (connection, userID) = Self.split(id),
              let user = try await storage.user(tenantID: tenant.id, id: userID), user.connection == connection
        else { throw ManagementError.noSuchUser }
        return user
    }

    static func split(_ id: String) -> (connection: String, id: String)? {
        guard let bar = id.firstIndex(of: "|") else { return nil }
        let connection = String(id[..<bar]), userID = String(id[id.index(after: bar)...])
        guard !connection.isEmpty, !userID.isEmpty, userID.utf8.count <= 64 else { return nil }
        return (connection, userID)
    }
}
