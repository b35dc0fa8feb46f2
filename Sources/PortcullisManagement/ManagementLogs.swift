import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisStore

/// `/api/v2/logs` and `/api/v2/users/{id}/logs`: the audit events, in Auth0's log shape, paged by
/// page and per_page or by checkpoint (`from` and `take`).
public struct ManagementLogs: Sendable {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    /// `GET /logs`.
    public func list(_ query: QueryParameters, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:logs")
        try query.requireOnly(["page", "per_page", "sort", "fields", "include_fields", "include_totals", "q", "search", "from",
                               "take", "search_engine"])
        // Auth0 documents `q`; its current SDKs send the same query as `search`.
        if query["q"] != nil, query["search"] != nil { throw ManagementError.invalidQuery("give q or search, not both") }
        let filter = try LogQueryParser.parse(query["q"] ?? query["search"] ?? "")
        if query["from"] != nil || query["take"] != nil {
            // Checkpoint paging, oldest first, as Auth0 does for log streams and exports.
            let take = try query.integer("take", in: 1...100) ?? 50
            let list = try ListParameters(QueryParameters(query.values.filter { $0.key == "fields" || $0.key == "include_fields" }),
                                          knownFields: LogRepresentation.fields)
            let from = query["from"].flatMap { $0.isEmpty ? nil : $0 }
            let events = try await events { try await storage.events(tenantID: tenant.id, matching: filter, after: from, take: take) }
            return ManagementResponse(try await render(events, tenant: tenant, list: list))
        }
        return try await page(filter, query, tenant: tenant)
    }

    /// `GET /logs/{id}`.
    public func get(_ id: String, tenant: Tenant, caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:logs")
        guard let event = try await storage.event(tenantID: tenant.id, id: id) else {
            throw ManagementError(404, "Log event not found", errorCode: "inexistent_log")
        }
        let users = try await self.users(for: [event], tenant: tenant)
        return ManagementResponse(LogRepresentation.json(event, tenant: tenant, users: users))
    }

    /// `GET /users/{id}/logs`: the events about one user, newest first.
    public func forUser(_ userID: String, _ query: QueryParameters, tenant: Tenant,
                        caller: ManagementCaller) async throws -> ManagementResponse {
        try caller.require(anyOf: "read:logs_users", "read:logs")
        let user = try await UserLookup(storage: storage).user(userID, tenant: tenant)
        try query.requireOnly(["page", "per_page", "sort", "include_totals"])
        return try await page(.subject(EventParty.user(user.id).text), query, tenant: tenant)
    }

    private func page(_ filter: AuditEventFilter, _ query: QueryParameters, tenant: Tenant) async throws -> ManagementResponse {
        let list = try ListParameters(query, knownFields: LogRepresentation.fields)
        let oldestFirst: Bool
        switch query["sort"] ?? "" {
        case "", "date:-1": oldestFirst = false
        case "date:1": oldestFirst = true
        default: throw ManagementError.invalidQuery("sort must be date:1 or date:-1")
        }
        let page = try await events {
            try await storage.events(tenantID: tenant.id, matching: filter, oldestFirst: oldestFirst, page: list.page,
                                     perPage: list.perPage)
        }
        let logs = try await render(page.events, tenant: tenant, list: list)
        guard list.includeTotals else { return ManagementResponse(logs) }
        return ManagementResponse([
            "start": .int(list.page * list.perPage), "limit": .int(list.perPage), "length": .int(page.events.count),
            "total": .int(page.total), "logs": logs,
        ])
    }

    private func events<T>(_ read: () async throws -> T) async throws -> T {
        do {
            return try await read()
        } catch StoreError.invalidInput(let message) {
            throw ManagementError.invalidQuery("q: \(message)")
        }
    }

    private func render(_ events: [AuditEvent], tenant: Tenant, list: ListParameters) async throws -> JSONValue {
        let users = try await self.users(for: events, tenant: tenant)
        return .array(events.map { LogRepresentation.json($0, tenant: tenant, users: users, including: list.includes) })
    }

    /// The users a page of events names, read once each (a page holds at most 100 events).
    private func users(for events: [AuditEvent], tenant: Tenant) async throws -> [String: User] {
        var users: [String: User] = [:]
        for id in Set(events.compactMap(LogRepresentation.userID(of:))) {
            if let user = try await storage.user(tenantID: tenant.id, id: id) { users[id] = user }
        }
        return users
    }
}
