import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Account linking: `POST /users/{id}/identities` links a secondary user into a primary one,
/// `DELETE /users/{id}/identities/{provider}/{user_id}` gives it back. Both answer the primary's
/// `identities` array, as Auth0 does.
public struct ManagementIdentities: Sendable {
    let storage: any PortcullisStorage
    let accounts: AccountService

    public init(storage: any PortcullisStorage, accounts: AccountService) {
        self.storage = storage
        self.accounts = accounts
    }

    /// The body: `{"provider": "auth0", "user_id": …, "connection_id"?: …}` naming the secondary,
    /// or `{"link_with": <ID token of the secondary>}`.
    public func link(_ primaryID: String, _ body: Data, tenant: Tenant, caller: ManagementCaller,
                     request: EventRequestContext?, now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:users")
        let object = try UserBody.object(body)
        if let unknown = object.keys.sorted().first(where: { !["provider", "user_id", "connection_id", "link_with"].contains($0) }) {
            throw ManagementError.invalidBody("Additional properties not allowed: \(unknown.prefix(64))")
        }
        let primary = try await UserLookup(storage: storage).user(primaryID, tenant: tenant)
        let secondary = try await secondaryUser(object, tenant: tenant, now: now)
        do {
            try await accounts.link(tenantID: tenant.id, secondaryID: secondary.id, to: primary.id, by: caller.actor,
                                    request: request, now: now)
        } catch let failure as AccountFailure {
            throw ManagementUsers.error(failure)
        }
        return ManagementResponse(status: 201, try await identities(of: primary, tenant: tenant))
    }

    /// `DELETE /users/{id}/identities/{provider}/{user_id}`.
    public func unlink(_ primaryID: String, provider: String, userID: String, tenant: Tenant, caller: ManagementCaller,
                       request: EventRequestContext?) async throws -> ManagementResponse {
        try caller.require(anyOf: "update:users")
        guard provider == "auth0" else { throw Self.notLinked }
        let primary = try await UserLookup(storage: storage).user(primaryID, tenant: tenant)
        let secondaryID = Self.storeID(userID)
        guard try await accounts.unlink(tenantID: tenant.id, secondaryID: secondaryID, from: primary.id, by: caller.actor,
                                        request: request) else { throw Self.notLinked }
        return ManagementResponse(try await identities(of: primary, tenant: tenant))
    }

    // MARK: Helpers

    static let notLinked = ManagementError(404, "The identity is not linked to this user.", errorCode: "inexistent_identity")

    private func secondaryUser(_ body: [String: JSONValue], tenant: Tenant, now: Date) async throws -> User {
        if let token = body["link_with"] {
            guard body["user_id"] == nil, body["provider"] == nil else {
                throw ManagementError.invalidBody("give link_with or provider and user_id, not both")
            }
            // An ID token this tenant issued, unexpired: the secondary proves who it is.
            guard case .string(let text) = token, let claims = IDTokenHint.claims(of: text, tenant: tenant),
                  let expiresAt = claims.expiresAt, expiresAt > now,
                  let user = try await storage.user(tenantID: tenant.id, id: Self.storeID(claims.subject)) else {
                throw ManagementError.invalidBody("link_with must be an unexpired ID token of a user of this tenant")
            }
            return user
        }
        guard case .string(let provider)? = body["provider"], case .string(let userID)? = body["user_id"] else {
            throw ManagementError.invalidBody("Missing required property: provider and user_id (or link_with)")
        }
        guard provider == "auth0" else {
            throw ManagementError.invalidBody("provider must be auth0: Portcullis links users of its database connections")
        }
        guard let user = try await storage.user(tenantID: tenant.id, id: Self.storeID(userID)) else {
            throw ManagementError(400, "The secondary user does not exist.", errorCode: "inexistent_user")
        }
        if let connection = body["connection_id"] {
            guard connection.stringValue == user.connection else {
                throw ManagementError.invalidBody("connection_id is not the secondary user's connection")
            }
        }
        return user
    }

    /// `usr_…` from `usr_…` or `connection|usr_…` (the forms Auth0 clients send).
    static func storeID(_ text: String) -> String {
        text.split(separator: "|", maxSplits: 1).last.map(String.init) ?? text
    }

    private func identities(of primary: User, tenant: Tenant) async throws -> JSONValue {
        let linked = try await storage.linkedUsers(tenantID: tenant.id, primaryID: primary.id)
        return .array([UserRepresentation.identity(primary)] + linked.map { UserRepresentation.identity($0, profile: true) })
    }
}
