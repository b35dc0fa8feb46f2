import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// Sessions and refresh tokens: `/users/{id}/sessions`, `/sessions/{id}`,
/// `/users/{id}/refresh-tokens`, `/refresh-tokens/{id}`. Ending one goes through the same
/// revocation paths as logout and RFC 7009, so the forward-auth resolver stops honouring it on the
/// next request.
///
/// A session's or refresh token's `id` is the digest the store keeps (64 hex digits): the cookie
/// or token itself is never stored, and the digest cannot be turned back into it.
public struct ManagementSessions: Sendable {
    let storage: any PortcullisStorage
    let sessions: SessionRevocation
    let grants: GrantRevocation

    public init(storage: any PortcullisStorage, sessions: SessionRevocation, grants: GrantRevocation) {
        self.storage = storage
        self.sessions = sessions
        self.grants = grants
    }

    /// `GET /users/{id}/sessions`: the user's live sessions, newest first.
    public func list(for userID: String, _ query: QueryParameters, tenant: Tenant, caller: ManagementCaller,
                     now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:sessions")
        try query.requireOnly(["from", "take", "include_totals"])
        let user = try await UserLookup(storage: storage).user(userID, tenant: tenant)
        let live = try await storage.activeSessions(tenantID: tenant.id, userID: user.id, now: now)
            .sorted { ($0.createdAt, $0.digest) > ($1.createdAt, $1.digest) }
        return try Self.checkpointPage(live.map { ($0.digest, Self.json($0, user: user)) }, query, key: "sessions")
    }

    /// `GET /sessions/{id}`.
    public func get(_ id: String, tenant: Tenant, caller: ManagementCaller, now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:sessions")
        guard Self.isDigest(id), let session = try await storage.session(tenantID: tenant.id, digest: id, now: now),
              let user = try await storage.user(tenantID: tenant.id, id: session.userID) else { throw Self.noSession }
        return ManagementResponse(Self.json(session, user: user))
    }

    /// `DELETE /sessions/{id}`: 204, or 404 when no live session has that id.
    public func delete(_ id: String, tenant: Tenant, caller: ManagementCaller, request: EventRequestContext?,
                       now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:sessions")
        guard Self.isDigest(id), let session = try await storage.session(tenantID: tenant.id, digest: id, now: now) else {
            throw Self.noSession
        }
        let event = DomainEvent(.sessionEnded, tenantID: tenant.id, subject: .user(session.userID), actor: caller.actor,
                                request: request, at: now, details: ["via": "api"])
        try await sessions.revoke(tenantID: tenant.id, digest: id, at: now, events: [event])
        return .noContent
    }

    /// `DELETE /users/{id}/sessions`: every session of the user.
    public func deleteAll(for userID: String, tenant: Tenant, caller: ManagementCaller, request: EventRequestContext?,
                          now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:sessions")
        let user = try await UserLookup(storage: storage).user(userID, tenant: tenant)
        let event = DomainEvent(.sessionsRevoked, tenantID: tenant.id, subject: .user(user.id), actor: caller.actor,
                                request: request, at: now, details: ["via": "api"])
        try await sessions.revokeAll(tenantID: tenant.id, userID: user.id, at: now, events: [event])
        return .noContent
    }

    /// `GET /users/{id}/refresh-tokens`.
    public func refreshTokens(for userID: String, _ query: QueryParameters, tenant: Tenant, caller: ManagementCaller,
                              now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:refresh_tokens")
        try query.requireOnly(["from", "take", "include_totals"])
        let user = try await UserLookup(storage: storage).user(userID, tenant: tenant)
        let tokens = try await storage.liveRefreshTokens(tenantID: tenant.id, userID: user.id, now: now)
        return try Self.checkpointPage(tokens.map { ($0.digest, Self.json($0, user: user, tenant: tenant)) }, query, key: "tokens")
    }

    /// Auth0's checkpoint paging: `take` items after the one with id `from`, and `next` (the last
    /// id) while more follow. A user has few sessions and grants, so the list is paged in memory.
    static func checkpointPage(_ items: [(id: String, json: JSONValue)], _ query: QueryParameters,
                               key: String) throws(ManagementError) -> ManagementResponse {
        let take = try query.integer("take", in: 1...100) ?? 50
        var start = 0
        if let from = query["from"], !from.isEmpty {
            guard let index = items.firstIndex(where: { $0.id == from }) else {
                throw .invalidQuery("from: no item with this id")
            }
            start = index + 1
        }
        let page = items[start..<min(start + take, items.count)]
        var body: [String: JSONValue] = [key: .array(page.map(\.json))]
        if start + take < items.count, let last = page.last { body["next"] = .string(last.id) }
        return ManagementResponse(.object(body))
    }

    /// `DELETE /refresh-tokens/{id}`: the token's whole grant (rotation family), as RFC 7009 does.
    public func deleteRefreshToken(_ id: String, tenant: Tenant, caller: ManagementCaller, request: EventRequestContext?,
                                   now: Date = Date()) async throws -> ManagementResponse {
        try caller.require(anyOf: "delete:refresh_tokens")
        guard Self.isDigest(id), let token = try await storage.refreshTokenRecord(tenantID: tenant.id, digest: id),
              token.revokedAt == nil else {
            throw ManagementError(404, "The refresh token does not exist.", errorCode: "refresh_token_not_found")
        }
        let event = DomainEvent(.grantRevoked, tenantID: tenant.id, subject: .user(token.userID), actor: caller.actor,
                                request: request, at: now, details: ["client_id": token.clientID, "via": "api"])
        try await grants.revoke(tenantID: tenant.id, grantID: token.familyID, at: now, events: [event])
        return .noContent
    }

    // MARK: Shapes

    static let noSession = ManagementError(404, "The session does not exist.", errorCode: "session_not_found")

    static func isDigest(_ id: String) -> Bool {
        id.utf8.count == 64 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func json(_ session: Session, user: User) -> JSONValue {
        var device: [String: JSONValue] = [:]
        if let ip = session.ip { device["initial_ip"] = .string(ip); device["last_ip"] = .string(ip) }
        if let agent = session.userAgent { device["initial_user_agent"] = .string(agent); device["last_user_agent"] = .string(agent) }
        let methods: [JSONValue] = session.amr.map {
            ["name": .string($0), "timestamp": .string(ManagementDates.format(session.authTime))]
        }
        return [
            "id": .string(session.digest), "user_id": .string(user.externalID),
            "created_at": .string(ManagementDates.format(session.createdAt)),
            "updated_at": .string(ManagementDates.format(session.lastSeenAt)),
            "authenticated_at": .string(ManagementDates.format(session.authTime)),
            "last_interacted_at": .string(ManagementDates.format(session.lastSeenAt)),
            "idle_expires_at": .string(ManagementDates.format(session.idleExpiresAt)),
            "expires_at": .string(ManagementDates.format(session.absoluteExpiresAt)),
            "device": .object(device), "authentication": ["methods": .array(methods)],
        ]
    }

    static func json(_ token: RefreshToken, user: User, tenant: Tenant) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(token.digest), "user_id": .string(user.externalID), "client_id": .string(token.clientID),
            "created_at": .string(ManagementDates.format(token.createdAt)),
            "idle_expires_at": .string(ManagementDates.format(token.expiresAt)),
            "expires_at": .string(ManagementDates.format(token.absoluteExpiresAt)),
            "rotating": .bool(tenant.clients[token.clientID]?.config.refreshToken.rotation == .rotating),
            "resource_servers": [[
                "audience": .string(token.audience ?? tenant.issuer.text + "/userinfo"),
                "scopes": .string(token.scopes.joined(separator: " ")),
            ]],
        ]
        if let session = token.sessionDigest { object["session_id"] = .string(session) }
        if let organization = token.organizationID { object["organization_id"] = .string(organization) }
        return .object(object)
    }
}
