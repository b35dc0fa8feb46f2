import PortcullisCore

/// The OpenAPI 3.1 document of the management API: every route the router serves (a test holds
/// the two lists equal), with Auth0's shapes as JSON Schema. Served at `{issuer}/api/v2/openapi.json`
/// with the tenant's server URL, and committed as docs/api/openapi.json.
public enum ManagementOpenAPI {
    /// The document, with `server` as its base URL (`{issuer}/api/v2`).
    public static func document(server: String = "{issuer}/api/v2") -> JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Portcullis Management API",
                "version": "2",
                "description": "Auth0-compatible management API of one Portcullis tenant. See docs/api.md.",
            ],
            "servers": [["url": .string(server)]],
            "security": [["bearer": []]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
                "schemas": .object(Schemas.all.merging(Schemas.organizations) { first, _ in first }
                    .merging(Schemas.invitations) { first, _ in first }.merging(Schemas.webhooks) { first, _ in first }),
            ],
        ]
    }

    /// Every path and its methods, for the completeness test.
    public static var routes: [String: Set<String>] {
        paths.mapValues { operations in
            guard case .object(let object) = operations else { return [] }
            return Set(object.keys)
        }
    }

    // MARK: Paths

    static let paths: [String: JSONValue] = {
        var paths: [String: JSONValue] = [
            "/users": [
                "get": operation("List or search users", scope: "read:users", parameters: listParameters + [
                    query("q", "Auth0's user search syntax (Lucene), e.g. email:\"ann@example.com\""),
                    query("sort", "field:1 or field:-1 (created_at, updated_at, last_login, email, name, logins_count)"),
                    query("connection", "Only users of this connection"),
                    query("search_engine", "v3 only", schema: ["type": "string", "enum": ["v3"]]),
                    query("primary_order", "Accepted; results are always in a deterministic order", schema: boolean),
                ], ok: ["anyOf": [arrayOf("User"), ref("UserPage")]]),
                "post": operation("Create a user", scope: "create:users", body: "UserCreate", ok: ref("User"), status: "201",
                                  errors: ["400", "401", "403", "409", "413", "415", "503"]),
            ],
            "/users-by-email": [
                "get": operation("Users with an email address, on every connection", scope: "read:users", parameters: [
                    query("email", "The address, compared case-insensitively", required: true),
                ] + fieldParameters, ok: arrayOf("User")),
            ],
            "/users/{id}": [
                "get": operation("A user", scope: "read:users", parameters: [userID] + fieldParameters, ok: ref("User"),
                                 errors: ["400", "401", "403", "404"]),
                "patch": operation("Change a user (metadata merges at the top level; null deletes a key)",
                                   scope: "update:users or update:users_app_metadata", parameters: [userID], body: "UserUpdate",
                                   ok: ref("User"), errors: ["400", "401", "403", "404", "409", "413", "415", "503"]),
                "delete": operation("Delete a user with its sessions, tokens and memberships", scope: "delete:users",
                                    parameters: [userID], status: "204", errors: ["401", "403", "404"]),
            ],
            "/users/{id}/identities": [
                "post": operation("Link a secondary user into this one (account linking)", scope: "update:users",
                                  parameters: [userID], body: "IdentityLink", ok: arrayOf("Identity"), status: "201",
                                  errors: ["400", "401", "403", "404", "413", "415"]),
            ],
            "/users/{id}/identities/{provider}/{user_id}": [
                "delete": operation("Unlink an identity: it becomes its own user again", scope: "update:users",
                                    parameters: [userID, path("provider", "auth0"), path("user_id", "The linked user's id (usr_…)")],
                                    ok: arrayOf("Identity"), errors: ["401", "403", "404"]),
            ],
            "/users/{id}/logs": [
                "get": operation("The log events about a user", scope: "read:logs_users", parameters: [userID] + pageParameters + [
                    query("sort", "date:1 or date:-1"),
                ], ok: ["anyOf": [arrayOf("Log"), ref("LogPage")]], errors: ["400", "401", "403", "404"]),
            ],
            "/users/{id}/sessions": [
                "get": operation("A user's live sessions", scope: "read:sessions", parameters: [userID] + checkpointParameters,
                                 ok: ref("SessionList"), errors: ["400", "401", "403", "404"]),
                "delete": operation("End every session of a user", scope: "delete:sessions", parameters: [userID], status: "204",
                                    errors: ["401", "403", "404"]),
            ],
            "/users/{id}/refresh-tokens": [
                "get": operation("A user's live refresh tokens", scope: "read:refresh_tokens",
                                 parameters: [userID] + checkpointParameters, ok: ref("RefreshTokenList"),
                                 errors: ["400", "401", "403", "404"]),
            ],
            "/sessions/{id}": [
                "get": operation("A session", scope: "read:sessions", parameters: [digestID], ok: ref("Session"),
                                 errors: ["401", "403", "404"]),
                "delete": operation("End a session", scope: "delete:sessions", parameters: [digestID], status: "204",
                                    errors: ["401", "403", "404"]),
            ],
            "/refresh-tokens/{id}": [
                "delete": operation("Revoke a refresh token's grant", scope: "delete:refresh_tokens", parameters: [digestID],
                                    status: "204", errors: ["401", "403", "404"]),
            ],
            "/logs": [
                "get": operation("Log events, by page (newest first) or from a checkpoint (oldest first)", scope: "read:logs",
                                 parameters: listParameters + [
                                     query("q", "Log search: type, user_id, client_id, ip, connection, date"),
                                     query("search", "The same as q (the name Auth0's SDKs send)"),
                                     query("sort", "date:1 or date:-1"),
                                     query("from", "Checkpoint: the log_id after which to start"),
                                     query("take", "Checkpoint page size", schema: ["type": "integer", "minimum": 1, "maximum": 100]),
                                     query("search_engine", "Ignored"),
                                 ], ok: ["anyOf": [arrayOf("Log"), ref("LogPage")]]),
            ],
            "/logs/{id}": [
                "get": operation("A log event", scope: "read:logs", parameters: [path("id", "log_id")], ok: ref("Log"),
                                 errors: ["401", "403", "404"]),
            ],
        ]
        for (collection, schema, scope) in [("clients", "Client", "read:clients"), ("connections", "Connection", "read:connections"),
                                            ("resource-servers", "ResourceServer", "read:resource_servers"),
                                            ("client-grants", "ClientGrant", "read:client_grants")] {
            let refused = operation("Refused: \(collection) are managed by configuration", scope: scope,
                                    parameters: [], status: "409", errors: ["401", "403"])
            paths["/\(collection)"] = [
                "get": operation("The configured \(collection) (read-only)", scope: scope, parameters: listParameters,
                                 ok: ["anyOf": [arrayOf(schema), ["type": "object"]]]),
                "post": refused,
            ]
            let item = operation("Refused: \(collection) are managed by configuration", scope: scope,
                                 parameters: [path("id", "The object's id")], status: "409", errors: ["401", "403"])
            paths["/\(collection)/{id}"] = [
                "get": operation("One configured object", scope: scope, parameters: [path("id", "The object's id")], ok: ref(schema),
                                 errors: ["401", "403", "404"]),
                "patch": item, "put": item, "delete": item,
            ]
        }
        paths.merge(rolePaths) { first, _ in first }
        paths.merge(organizationPaths) { first, _ in first }
        paths.merge(invitationPaths) { first, _ in first }
        paths.merge(webhookPaths) { first, _ in first }
        return paths
    }()

    static func operation(_ summary: String, scope: String, parameters: [JSONValue] = [], body: String? = nil,
                          ok: JSONValue? = nil, status: String = "200",
                          errors: [String] = ["400", "401", "403"]) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        if let ok {
            responses[status] = ["description": "Success", "content": ["application/json": ["schema": ok]]]
        } else if status == "409" {
            responses[status] = errorResponse("Managed by configuration")
        } else {
            responses[status] = ["description": "Success, no content"]
        }
        for code in errors where responses[code] == nil { responses[code] = errorResponse(errorDescriptions[code] ?? "Error") }
        responses["default"] = errorResponse("Any other error, in the same shape")
        var object: [String: JSONValue] = [
            "summary": .string(summary), "description": .string("Scope: \(scope)."),
            "parameters": .array(parameters), "responses": .object(responses),
        ]
        if let body {
            object["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
        }
        return .object(object)
    }

    static let errorDescriptions = [
        "400": "Invalid request", "401": "Missing or invalid token", "403": "Insufficient scope", "404": "Not found",
        "409": "Conflict", "413": "Body too large", "415": "Not JSON", "503": "Busy: retry",
    ]

    static func errorResponse(_ description: String) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": ref("Error")]]]
    }

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func arrayOf(_ name: String) -> JSONValue { ["type": "array", "items": ref(name)] }
    static let boolean: JSONValue = ["type": "boolean"]

    static func query(_ name: String, _ description: String, required: Bool = false,
                      schema: JSONValue = ["type": "string"]) -> JSONValue {
        ["name": .string(name), "in": "query", "required": .bool(required), "description": .string(description), "schema": schema]
    }

    static func path(_ name: String, _ description: String, schema: JSONValue = ["type": "string"]) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": schema]
    }

    static let userID = path("id", "connection|id, percent-encoded", schema: ["type": "string", "pattern": "^[^|]+\\|.+$"])
    static let digestID = path("id", "The stored digest: 64 lowercase hex digits")
    static let pageParameters: [JSONValue] = [
        query("page", "Page index from 0", schema: ["type": "integer", "minimum": 0]),
        query("per_page", "Results per page", schema: ["type": "integer", "minimum": 1, "maximum": 100]),
        query("include_totals", "Return {start, limit, length, total, …} instead of an array", schema: boolean),
    ]
    static let fieldParameters: [JSONValue] = [
        query("fields", "Comma-separated fields to include (or exclude)"),
        query("include_fields", "Whether fields lists the fields to include (true) or exclude", schema: boolean),
    ]
    static let listParameters = pageParameters + fieldParameters
    static let checkpointParameters: [JSONValue] = [
        query("from", "The id after which to start"),
        query("take", "How many", schema: ["type": "integer", "minimum": 1, "maximum": 100]),
        query("include_totals", "Accepted for compatibility", schema: boolean),
    ]
}

extension ManagementOpenAPI {
    /// docs/api/openapi.json: the document with the `{issuer}` placeholder, pretty and key-sorted.
    public static func text() -> String {
        document().prettyPrinted() + "\n"
    }
}
