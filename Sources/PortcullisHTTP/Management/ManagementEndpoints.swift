import Hummingbird
import PortcullisAccounts
import PortcullisConfig
import PortcullisManagement

/// The management API's routes below each tenant's issuer, `{issuer}/api/v2/…` (see docs/api.md
/// and the OpenAPI document, ``ManagementOpenAPI``, which lists the same paths). Each route is one
/// line: the operation lives in PortcullisManagement, the HTTP edge in ``ManagementHTTP``.
struct ManagementEndpoints {
    let users: ManagementUsers
    let logs: ManagementLogs
    let sessions: ManagementSessions
    let identities: ManagementIdentities
    let roles: ManagementRoles
    let userRoles: ManagementUserRoles
    let organizations: ManagementOrganizations
    let webhooks: ManagementWebhooks
    let views = ManagementConfigViews()
    let tokens = ManagementTokenCache()

    init(services: ServerServices) {
        users = ManagementUsers(storage: services.storage, accounts: services.accounts,
                                mailer: services.mail.map { VerificationMailer(mail: $0) })
        logs = ManagementLogs(storage: services.storage)
        roles = ManagementRoles(storage: services.storage)
        userRoles = ManagementUserRoles(storage: services.storage)
        organizations = ManagementOrganizations(storage: services.storage,
                                                invitationMailer: services.mail.map { InvitationMailer(mail: $0) })
        webhooks = ManagementWebhooks(storage: services.storage)
        identities = ManagementIdentities(storage: services.storage, accounts: services.accounts)
        sessions = ManagementSessions(storage: services.storage, sessions: services.sessions,
                                      grants: GrantRevocation(grants: services.storage, observer: services.sessionCache))
    }

    typealias Operation = @Sendable (ManagementHTTP.Call) async throws -> ManagementResponse

    /// The methods the API serves; any other on a known path answers 404 in Auth0's shape, as an
    /// unknown path does, instead of the router's bare 404.
    static let methods: [HTTPRequest.Method] = [.get, .post, .patch, .put, .delete]

    typealias RouteMethods = (path: String, methods: [HTTPRequest.Method])

    static let userRoutes: [RouteMethods] = [
        ("/users", [.get, .post]), ("/users-by-email", [.get]), ("/users/{id}", [.get, .patch, .delete]),
        ("/users/{id}/logs", [.get]), ("/users/{id}/identities", [.post]),
        ("/users/{id}/identities/{provider}/{user_id}", [.delete]), ("/users/{id}/sessions", [.get, .delete]),
        ("/users/{id}/refresh-tokens", [.get]),
        ("/users/{id}/roles", [.get, .post, .delete]), ("/users/{id}/permissions", [.get, .post, .delete]),
    ]

    static let otherRoutes: [RouteMethods] = [
        ("/sessions/{id}", [.get, .delete]), ("/refresh-tokens/{id}", [.delete]),
        ("/logs", [.get]), ("/logs/{id}", [.get]),
        ("/roles", [.get, .post]), ("/roles/{id}", [.get, .patch, .delete]),
        ("/roles/{id}/permissions", [.get, .post, .delete]), ("/roles/{id}/users", [.get, .post]),
        ("/events", [.get]), ("/webhooks/{name}/deliveries", [.get]), ("/webhooks/{name}/deliveries/{id}/retry", [.post]),
    ]

    static let organizationRoutes: [RouteMethods] = [
        ("/organizations", [.get, .post]), ("/organizations/{id}", [.get, .patch, .delete]),
        ("/organizations/name/{name}", [.get]), ("/organizations/{id}/members", [.get, .post, .delete]),
        ("/organizations/{id}/members/{user_id}/roles", [.get, .post, .delete]),
        ("/organizations/{id}/enabled_connections", [.get, .post]),
        ("/organizations/{id}/enabled_connections/{connection_id}", [.get, .patch, .delete]),
        ("/organizations/{id}/invitations", [.get, .post]),
        ("/organizations/{id}/invitations/{invitation_id}", [.get, .delete]),
    ]

    static let configViewRoutes: [RouteMethods] = ManagementConfigViews.Collection.allCases.flatMap { collection -> [RouteMethods] in
        // Writes are routed to answer 409 naming the file; the document lists them as such.
        [("/\(collection.rawValue)", [.get, .post]), ("/\(collection.rawValue)/{id}", [.get, .patch, .put, .delete])]
    }

    /// Every path and method served (besides `/openapi.json` itself), for the OpenAPI document's
    /// completeness test.
    static let routes: [RouteMethods] = userRoutes + otherRoutes + organizationRoutes + configViewRoutes

    func register(on router: Router<PortcullisRequestContext>) {
        let api = router.group("/api/v2")
        func route(_ path: String, _ operations: [HTTPRequest.Method: Operation]) {
            // `{name}` in the document is `:name` for the router.
            let parameters = path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
                .map { String($0.dropFirst().dropLast()) }
            let routerPath = RouterPath(parameters.reduce(path) { $0.replacingOccurrences(of: "{\($1)}", with: ":\($1)") })
            for method in Self.methods {
                if let operation = operations[method] {
                    api.on(routerPath, method: method) { [tokens] request, context in
                        try await ManagementHTTP.run(request, context, parameters: parameters, tokens: tokens, operation)
                    }
                } else {
                    api.on(routerPath, method: method) { _, _ in ManagementHTTP.response(.notFound) }
                }
            }
        }
        let (users, logs, sessions, views, identities) = (self.users, self.logs, self.sessions, self.views, self.identities)
        let (roles, userRoles) = (self.roles, self.userRoles)
        // The contract is public, like Auth0's: it describes shapes, never data.
        api.get("/openapi.json") { _, context in
            let tenant = try context.requireTenant()
            return JSONResponse.value(ManagementOpenAPI.document(server: tenant.issuer.text + "/api/v2"),
                                      headers: [.cacheControl: TenantEndpoints.publicCache])
        }
        route("/users", [
            .get: { try await users.list($0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await users.create($0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/users-by-email", [.get: { try await users.byEmail($0.query, tenant: $0.tenant, caller: $0.caller) }])
        route("/users/{id}", [
            .get: { try await users.get($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .patch: { try await users.update($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: { try await users.delete($0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/users/{id}/identities", [
            .post: { try await identities.link($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/users/{id}/identities/{provider}/{user_id}", [
            .delete: {
                try await identities.unlink($0.parameter("id"), provider: $0.parameter("provider"), userID: $0.parameter("user_id"),
                                            tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
        route("/users/{id}/logs", [.get: { try await logs.forUser($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) }])
        route("/users/{id}/sessions", [
            .get: { try await sessions.list(for: $0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .delete: { try await sessions.deleteAll(for: $0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/users/{id}/refresh-tokens", [
            .get: { try await sessions.refreshTokens(for: $0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
        ])
        route("/sessions/{id}", [
            .get: { try await sessions.get($0.parameter("id"), tenant: $0.tenant, caller: $0.caller) },
            .delete: { try await sessions.delete($0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/refresh-tokens/{id}", [
            .delete: { try await sessions.deleteRefreshToken($0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/logs", [.get: { try await logs.list($0.query, tenant: $0.tenant, caller: $0.caller) }])
        route("/logs/{id}", [.get: { try await logs.get($0.parameter("id"), tenant: $0.tenant, caller: $0.caller) }])
        route("/users/{id}/roles", [
            .get: { try await userRoles.list($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await userRoles.assign($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: { try await userRoles.unassign($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/users/{id}/permissions", [
            .get: { try await userRoles.permissions($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await userRoles.grant($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: { try await userRoles.revoke($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/roles", [
            .get: { try await roles.list($0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await roles.create($0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/roles/{id}", [
            .get: { try await roles.get($0.parameter("id"), tenant: $0.tenant, caller: $0.caller) },
            .patch: { try await roles.update($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: { try await roles.delete($0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        route("/roles/{id}/permissions", [
            .get: { try await roles.permissions($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await roles.addPermissions($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
            .delete: {
                try await roles.removePermissions($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event)
            },
        ])
        route("/roles/{id}/users", [
            .get: { try await roles.users($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller) },
            .post: { try await roles.assignUsers($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event) },
        ])
        registerOrganizations(route)
        registerWebhooks(route)
        for collection in ManagementConfigViews.Collection.allCases {
            let refuse: Operation = { try views.refuseWrite(collection, id: $0.parameters["id"], tenant: $0.tenant).thrown() }
            route("/\(collection.rawValue)", [
                .get: { try views.list(collection, $0.query, tenant: $0.tenant, caller: $0.caller) }, .post: refuse,
            ])
            route("/\(collection.rawValue)/{id}", [
                .get: { try views.get(collection, id: $0.parameter("id"), tenant: $0.tenant, caller: $0.caller) },
                .patch: refuse, .put: refuse, .delete: refuse,
            ])
        }
        route("/**", [:])
    }
}

extension ManagementError {
    /// For operations that only ever refuse.
    func thrown() throws -> ManagementResponse { throw self }
}
