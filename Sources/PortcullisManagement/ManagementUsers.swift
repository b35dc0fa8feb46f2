import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// `/api/v2/users` and `/api/v2/users-by-email`: decoding, scopes and Auth0's shapes around the
/// account service, which makes every change (the same one the CLI and hosted pages use).
public struct ManagementUsers: Sendable {
    let storage: any PortcullisStorage
    let accounts: AccountService
    let mailer: (any VerificationMailing)?

    public init(storage: any PortcullisStorage, accounts: AccountService, mailer: (any VerificationMailing)?) {
        self.storage = storage
        self.accounts = accounts
        self.mailer = mailer
    }

    static let listParameters: Set<String> = ["page", "per_page", "include_totals", "sort", "fields", "include_fields", "q",
                                              "search_engine", "connection", "primary_order"]

    /// `GET /users`: one page of the users `q` matches, in `sort` order.
    public func list(_ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:users")
        try query.requireOnly(Self.listParameters)
        let list = try ListParameters(query, knownFields: UserRepresentation.fields)
        // Results are always in a deterministic order, so `primary_order` only needs to be well formed.
        _ = try query.flag("primary_order")
        if let engine = query["search_engine"], !engine.isEmpty, engine != "v3" {
            throw ManagementError.invalidQuery("search_engine: only v3 is supported")
        }
        var search = try UserQueryParser.parse(query["q"] ?? "")
        if let connection = query["connection"], !connection.isEmpty {
            search = .and([search, .match(.connection, .exact(connection))])
        }
        let sort = try Self.sort(query["sort"])
        let page: UserPage
        do {
            page = try await storage.users(tenantID: tenant.id, matching: search, sort: sort, page: list.page,
                                           perPage: list.perPage, countingTotal: list.includeTotals)
        } catch StoreError.invalidInput(let message) {
            throw ManagementError.invalidQuery("q: \(message)")
        }
        let users = try await render(page.users, tenant: tenant, including: list.includes)
        guard list.includeTotals else { return ManagementResponse(users) }
        return ManagementResponse([
            "start": .int(page.page * page.perPage), "limit": .int(page.perPage), "length": .int(page.users.count),
            "total": .int(page.total ?? 0), "users": users,
        ])
    }

    /// `GET /users-by-email?email=`: the users of every connection with that address.
    public func byEmail(_ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:users")
        try query.requireOnly(["email", "fields", "include_fields"])
        guard let email = query["email"], !email.isEmpty else { throw ManagementError.invalidQuery("email is required") }
        let list = try ListParameters(QueryParameters(query.values.filter { $0.key != "email" }),
                                      knownFields: UserRepresentation.fields)
        let page = try await storage.users(tenantID: tenant.id, matching: .match(.email, .exact(email)), sort: .oldestFirst,
                                           page: 0, perPage: UserPageSize.range.upperBound)
        return ManagementResponse(try await render(page.users, tenant: tenant, including: list.includes))
    }

    /// `GET /users/{id}`.
    public func get(_ id: String, _ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:users")
        try query.requireOnly(["fields", "include_fields"])
        let list = try ListParameters(query, knownFields: UserRepresentation.fields)
        let found = try await lookup.userWithIdentities(id, tenant: tenant)
        return ManagementResponse(UserRepresentation.json(found.user, linked: found.linked, including: list.includes))
    }

    /// `POST /users`: 201 with the new user.
    public func create(_ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "create:users")
        let create = try UserBody.create(body)
        guard let connection = tenant.connections[create.connection] else {
            throw ManagementError(400, "The connection does not exist.", errorCode: "inexistent_connection")
        }
        guard connection.type == .database else {
            throw ManagementError(400, "Users of connection \(create.connection) cannot be created through the API",
                                  errorCode: "operation_not_supported")
        }
        let user: User
        do {
            user = try await accounts.create(create.user, tenantID: tenant.id, connection: connection, by: caller.actor,
                                             via: "api", request: request)
        } catch let failure as AccountFailure {
            throw Self.error(failure)
        } catch PasswordHashingError.overloaded {
            throw ManagementError.busy
        }
        if create.verifyEmail, !user.emailVerified { await mailer?.sendVerification(to: user, tenant: tenant) }
        return ManagementResponse(status: 201, UserRepresentation.json(user))
    }

    /// `PATCH /users/{id}`: Auth0's merge rules for metadata; blocking ends sessions at once.
    public func update(_ id: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:users", "update:users_app_metadata")
        let patch = try UserBody.patch(body)
        if !caller.holds("update:users"), patch.touchesMoreThanAppMetadata {
            throw ManagementError.insufficientScope(["update:users"])
        }
        let primary = try await existing(id, tenant: tenant)
        // Auth0's `connection`: the changes apply to the primary's identity on that connection,
        // which may be a linked one.
        var user = primary
        if let name = patch.connection, name != primary.connection {
            guard let linked = try await lookup.identities(of: primary, tenant: tenant).first(where: { $0.connection == name }) else {
                throw ManagementError(400, "The user has no identity on connection \(name.prefix(64))", errorCode: "invalid_body")
            }
            user = linked
        }
        let connection = tenant.connections[user.connection].flatMap { $0.type == .database ? $0 : nil }
        let updated: User
        do {
            updated = try await accounts.update(tenantID: tenant.id, userID: user.id, changes: patch.changes,
                                                connection: connection, by: caller.actor, request: request)
        } catch AccountService.Failure.noSuchUser {
            throw ManagementError.noSuchUser
        } catch let failure as AccountFailure {
            throw Self.error(failure)
        } catch PasswordHashingError.overloaded {
            throw ManagementError.busy
        }
        if patch.verifyEmail, !updated.emailVerified { await mailer?.sendVerification(to: updated, tenant: tenant) }
        // The answer is the primary user, with the identity that changed among its identities.
        return ManagementResponse(try await render(try await existing(id, tenant: tenant), tenant: tenant))
    }

    /// `DELETE /users/{id}`: the user with their sessions, tokens and memberships; 204 either way,
    /// as Auth0 answers (deleting is idempotent), but 404 for an id that is not a user id at all.
    public func delete(_ id: String, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:users")
        guard let (connection, userID) = UserLookup.split(id) else { throw ManagementError.noSuchUser }
        if let user = try await storage.user(tenantID: tenant.id, id: userID), user.connection == connection {
            // A linked identity is deleted through its primary, or unlinked first.
            guard user.linkedTo == nil else { throw ManagementError.noSuchUser }
            do {
                try await accounts.delete(tenantID: tenant.id, userID: userID, by: caller.actor, request: request)
            } catch AccountFailure.deniedByHook(let denial) {
                // A veto of a deletion is a conflict with the state of the user, not a bad request.
                throw ManagementError(409, denial.message ?? "The deletion was refused by a pre_user_deletion hook.",
                                      errorCode: "denied_by_hook")
            }
        }
        return .noContent
    }

    // MARK: Helpers

    var lookup: UserLookup { UserLookup(storage: storage) }

    func existing(_ id: String, tenant: Tenant) async throws -> User {
        try await lookup.user(id, tenant: tenant)
    }

    /// Users with their linked identities, read in one query for the page (at most 100 users).
    func render(_ users: [User], tenant: Tenant, including include: (String) -> Bool) async throws -> JSONValue {
        let linked = include("identities")
            ? Dictionary(grouping: try await storage.linkedUsers(tenantID: tenant.id, primaryIDs: users.map(\.id)),
                         by: { $0.linkedTo ?? "" })
            : [:]
        return .array(users.map { UserRepresentation.json($0, linked: linked[$0.id] ?? [], including: include) })
    }

    func render(_ user: User, tenant: Tenant, including include: (String) -> Bool = { _ in true }) async throws -> JSONValue {
        UserRepresentation.json(user, linked: try await lookup.identities(of: user, tenant: tenant), including: include)
    }

    /// `field:1` ascending, `field:-1` descending (Auth0's form); default oldest first.
    static func sort(_ text: String?) throws(ManagementError) -> UserSort {
        guard let text, !text.isEmpty else { return .oldestFirst }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let field = UserSort.Field(rawValue: String(parts[0])), parts[1] == "1" || parts[1] == "-1" else {
            let fields = UserSort.Field.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidQuery("sort must be field:1 or field:-1 with a field among \(fields)")
        }
        return UserSort(field, ascending: parts[1] == "1")
    }

    static func error(_ failure: AccountFailure) -> ManagementError {
        switch failure {
        case .invalidEmail:
            return .invalidBody("email is not a valid email address")
        case .passwordRejected(let problem):
            return ManagementError(400, "PasswordStrengthError: the password is \(problem.explanation)",
                                   errorCode: "password_strength_error")
        case .unsupportedPasswordHash:
            return .invalidBody("password_hash must be an argon2id (PHC) or bcrypt hash")
        case .duplicate:
            // Auth0's code for this case, kept so that clients written for Auth0 recognise it.
            return ManagementError(409, "The user already exists.", errorCode: "auth0_idp_error")
        case .passwordNotAllowed:
            return .invalidBody("the user's connection does not keep passwords")
        case .contended:
            return ManagementError(409, "The user was changed by other requests while this one applied; retry",
                                   errorCode: "conflict")
        case .cannotLink(let reason):
            return ManagementError(400, "The accounts cannot be linked: \(reason)", errorCode: "invalid_body")
        case .deniedByHook(let denial):
            return ManagementError(400, denial.message ?? "The change was refused by a hook.", errorCode: "denied_by_hook")
        }
    }
}
