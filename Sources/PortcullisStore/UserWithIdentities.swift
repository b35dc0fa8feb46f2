/// A user together with the identities linked into it (account linking), read in one snapshot:
/// what the management API shows for `GET /users/{id}`.
public struct UserWithIdentities: Sendable, Hashable {
    public var user: User
    /// The linked identities, oldest first (by creation, then id).
    public var linked: [User]

    public init(user: User, linked: [User]) {
        self.user = user
        self.linked = linked
    }
}
