import Hummingbird
import PortcullisConfig
import PortcullisManagement

/// The management API's routes below each tenant's issuer, `{issuer}/api/v2/…` (see docs/api.md).
/// Each route is one line: the operation lives in PortcullisManagement, the HTTP edge in
/// ``ManagementHTTP``.
struct ManagementEndpoints {
    let users: ManagementUsers

    init(services: ServerServices) {
        users = ManagementUsers(storage: services.storage, accounts: services.accounts,
                                mailer: services.mail.map { VerificationMailer(mail: $0) })
    }

    typealias Handler = @Sendable (Request, PortcullisRequestContext) async throws -> Response

    /// The methods the API serves; any other on a known path answers 404 in Auth0's shape, as an
    /// unknown path does, instead of the router's bare 404.
    static let methods: [HTTPRequest.Method] = [.get, .post, .patch, .put, .delete]

    func register(on router: Router<PortcullisRequestContext>) {
        let api = router.group("/api/v2")
        let users = self.users
        func route(_ path: RouterPath, _ handlers: [HTTPRequest.Method: Handler]) {
            for method in Self.methods {
                api.on(path, method: method, use: handlers[method] ?? { _, _ in ManagementHTTP.response(.notFound) })
            }
        }
        route("/users", [
            .get: { request, context in
                try await ManagementHTTP.run(request, context) { try await users.list($0.query, tenant: $0.tenant, caller: $0.caller) }
            },
            .post: { request, context in
                try await ManagementHTTP.run(request, context) {
                    try await users.create($0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event)
                }
            },
        ])
        route("/users-by-email", [
            .get: { request, context in
                try await ManagementHTTP.run(request, context) { try await users.byEmail($0.query, tenant: $0.tenant, caller: $0.caller) }
            },
        ])
        route("/users/:id", [
            .get: { request, context in
                try await ManagementHTTP.run(request, context, parameters: ["id"]) {
                    try await users.get($0.parameter("id"), $0.query, tenant: $0.tenant, caller: $0.caller)
                }
            },
            .patch: { request, context in
                try await ManagementHTTP.run(request, context, parameters: ["id"]) {
                    try await users.update($0.parameter("id"), $0.body, tenant: $0.tenant, caller: $0.caller, request: $0.event)
                }
            },
            .delete: { request, context in
                try await ManagementHTTP.run(request, context, parameters: ["id"]) {
                    try await users.delete($0.parameter("id"), tenant: $0.tenant, caller: $0.caller, request: $0.event)
                }
            },
        ])
        route("/**", [:])
    }
}
