import Foundation

/// The users of each tenant. Every operation names the tenant, so one tenant can never read or
/// change another's users, even with a leaked user ID.
public protocol UserStore: Sendable {
    /// Stores a new user.
    ///
    /// - Throws: ``StoreError/conflict(_:)`` if the tenant already has a user with the same `id`,
    ///   or, on the same connection, the same email or username compared case-insensitively;
    ///   ``StoreError/invalidInput(_:)`` if a metadata field is not the text of a JSON object.
    ///
    /// With a `password`, it is stored in the same transaction: a user is never left without the
    /// password they were created with.
    func create(_ user: User, password: PasswordCredential?, events: [DomainEvent]) async throws

    /// The user with `id` in `tenantID`, or `nil`.
    func user(tenantID: String, id: String) async throws -> User?

    /// The user of `connection` whose email matches `email` case-insensitively, or `nil`.
    func user(tenantID: String, connection: String, email: String) async throws -> User?

    /// The user of `connection` whose username matches `username` case-insensitively, or `nil`.
    func user(tenantID: String, connection: String, username: String) async throws -> User?

    /// Replaces the stored user with `user`, if nobody changed it since it was read.
    ///
    /// Writes every field except those the store owns: `connection` and `createdAt` never change,
    /// and `lastLoginAt` and `loginCount` belong to ``recordLogin(tenantID:id:at:)``, so a login
    /// during an admin's edit is neither lost nor a conflict.
    ///
    /// Blocking a user (`blocked` true) also revokes all their sessions and refresh tokens, at
    /// `updatedAt`, in the same transaction: unblocking them later must not bring back sessions or
    /// grants that may have been the reason for the block.
    ///
    /// - Returns: the stored user, with ``User/version`` incremented; `nil` if there is no such user.
    /// - Throws: ``StoreError/conflict(_:)`` if the stored version is not `user.version` (read it
    ///   again and retry) or if the new email or username belongs to another user.
    ///
    /// With a `password`, it replaces the user's password in the same transaction.
    func update(_ user: User, password: PasswordCredential?, events: [DomainEvent]) async throws -> User?

    /// Deletes the user and everything that belongs to them: password, lockout state, sessions,
    /// email tokens, authorization codes, refresh tokens, organization memberships, role
    /// assignments, and the identities linked into them (with everything of theirs).
    ///
    /// - Returns: whether a user was deleted.
    @discardableResult
    func delete(tenantID: String, id: String, events: [DomainEvent]) async throws -> Bool

    /// One page of the tenant's users that match `query`, in `sort` order (then by `id`), with
    /// the number of matching users counted in the same snapshot. Linked identities are not users
    /// of their own and never match.
    ///
    /// - Parameters:
    ///   - page: zero-based page number, as in Auth0's management API; negative means 0.
    ///   - perPage: users per page, clamped to ``UserPageSize/range``.
    /// - Throws: ``StoreError/invalidInput(_:)`` for a query the store cannot evaluate (a metadata
    ///   path with a character it does not accept).
    ///   - countingTotal: whether to count the matches (``UserPage/total``); counting reads every
    ///     match, so a caller that shows no total (the API without `include_totals`) leaves it out.
    func users(tenantID: String, matching query: UserQuery, sort: UserSort, page: Int, perPage: Int,
               countingTotal: Bool) async throws -> UserPage

    /// Counts a successful login: sets `lastLoginAt` to `at` and adds one to `loginCount`, in one
    /// atomic step so that concurrent logins are all counted. Does not change ``User/version``.
    ///
    /// - Returns: the updated user, or `nil` if there is no such user.
    @discardableResult
    func recordLogin(tenantID: String, id: String, at: Date, events: [DomainEvent]) async throws -> User?

    /// Links `secondaryID` into `primaryID` (account linking): the secondary becomes an identity
    /// of the primary, logs in as it, and is no longer listed. Its sessions and refresh tokens end
    /// at `at`, in the same transaction, since they name the secondary.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` when either user does not exist, they are the
    ///   same user, the primary is itself linked, or the secondary is linked or has linked
    ///   identities of its own.
    func link(tenantID: String, secondaryID: String, to primaryID: String, at: Date, events: [DomainEvent]) async throws

    /// Gives a linked identity back as its own user. Returns whether it was linked to `primaryID`.
    @discardableResult
    func unlink(tenantID: String, secondaryID: String, from primaryID: String, at: Date, events: [DomainEvent]) async throws -> Bool

    /// The identities linked into any of `primaryIDs` (at most 100), oldest first (by creation,
    /// then id); each names its primary in ``User/linkedTo``. One read for a whole page of users.
    func linkedUsers(tenantID: String, primaryIDs: [String]) async throws -> [User]

    /// The user with its linked identities in one read (one snapshot, one trip to the store),
    /// or `nil` when the tenant has no user with that id. A linked identity comes back too, with
    /// ``User/linkedTo`` set and no identities of its own.
    func userWithIdentities(tenantID: String, id: String) async throws -> UserWithIdentities?
}

/// One page of ``UserStore/users(tenantID:page:perPage:)``.
public struct UserPage: Sendable, Hashable {
    /// The users on this page; empty past the last page.
    public var users: [User]
    /// How many users match in all, counted in the same snapshot as ``users``; `nil` when not counted.
    public var total: Int?
    /// The page number used, after clamping.
    public var page: Int
    /// The page size used, after clamping.
    public var perPage: Int

    public init(users: [User], total: Int?, page: Int, perPage: Int) {
        self.users = users
        self.total = total
        self.page = page
        self.perPage = perPage
    }
}

/// The bounds of ``UserStore/users(tenantID:page:perPage:)``'s `perPage`.
public enum UserPageSize {
    /// Auth0's management API allows at most 100 users per page; the bound keeps one call small.
    public static let range: ClosedRange<Int> = 1...100

    /// `perPage` moved into ``range``.
    public static func clamp(_ perPage: Int) -> Int {
        min(max(perPage, range.lowerBound), range.upperBound)
    }
}

extension UserStore {
    /// The identities linked into `primaryID`, oldest first.
    public func linkedUsers(tenantID: String, primaryID: String) async throws -> [User] {
        try await linkedUsers(tenantID: tenantID, primaryIDs: [primaryID])
    }

    /// One page of all the tenant's users, oldest first (by `createdAt`, then `id`).
    public func users(tenantID: String, page: Int, perPage: Int) async throws -> UserPage {
        try await users(tenantID: tenantID, matching: .all, sort: .oldestFirst, page: page, perPage: perPage)
    }

    /// ``users(tenantID:matching:sort:page:perPage:countingTotal:)`` with the total counted.
    public func users(tenantID: String, matching query: UserQuery, sort: UserSort, page: Int,
                      perPage: Int) async throws -> UserPage {
        try await users(tenantID: tenantID, matching: query, sort: sort, page: page, perPage: perPage, countingTotal: true)
    }

    /// Stores a new user without a password (see ``create(_:password:events:)``).
    public func create(_ user: User, events: [DomainEvent]) async throws {
        try await create(user, password: nil, events: events)
    }

    // The same operations with no event, for callers that record none (tests, maintenance).
    public func create(_ user: User) async throws {
        try await create(user, events: [])
    }

    /// Replaces the stored user, leaving the password alone (see ``update(_:password:events:)``).
    public func update(_ user: User, events: [DomainEvent]) async throws -> User? {
        try await update(user, password: nil, events: events)
    }

    public func update(_ user: User) async throws -> User? {
        return try await update(user, events: [])
    }

    @discardableResult
    public func delete(tenantID: String, id: String) async throws -> Bool {
        return try await delete(tenantID: tenantID, id: id, events: [])
    }

    @discardableResult
    public func recordLogin(tenantID: String, id: String, at: Date) async throws -> User? {
        return try await recordLogin(tenantID: tenantID, id: id, at: at, events: [])
    }
}
