import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto

/// What the configuration defines, read-only: `/clients`, `/connections`, `/resource-servers`,
/// `/client-grants` (roles, configured and runtime, are ``ManagementRoles``') in Auth0's shapes, each object marked `"managed_by": "configuration"`
/// with the file and line it comes from. Secrets are never shown. Writes are refused with 409
/// naming the file, because the files in Git are the source of truth.
public struct ManagementConfigViews: Sendable {
    public init() {}

    public enum Collection: String, Sendable, CaseIterable {
        case clients, connections, resourceServers = "resource-servers", clientGrants = "client-grants"

        var scope: String {
            switch self {
            case .clients: "read:clients"
            case .connections: "read:connections"
            case .resourceServers: "read:resource_servers"
            case .clientGrants: "read:client_grants"
            }
        }
    }

    public func list(_ collection: Collection, _ query: QueryParameters, tenant: Tenant,
                     caller: ManagementCaller) throws(ManagementError) -> ManagementResponse {
        try caller.require(anyOf: collection.scope)
        try query.requireOnly(["page", "per_page", "include_totals", "fields", "include_fields"])
        let objects = Self.objects(collection, tenant: tenant)
        let list = try ListParameters(query, knownFields: Set(objects.flatMap { $0.value.keys }))
        let start = min(list.page * list.perPage, objects.count)
        let page = objects[start..<min(start + list.perPage, objects.count)]
            .map { JSONValue.object($0.value.filter { list.includes($0.key) }) }
        guard list.includeTotals else { return ManagementResponse(.array(page)) }
        return ManagementResponse([
            "start": .int(start), "limit": .int(list.perPage), "length": .int(page.count), "total": .int(objects.count),
            Self.totalsKey(collection): .array(page),
        ])
    }

    public func get(_ collection: Collection, id: String, tenant: Tenant,
                    caller: ManagementCaller) throws(ManagementError) -> ManagementResponse {
        try caller.require(anyOf: collection.scope)
        guard let object = Self.objects(collection, tenant: tenant).first(where: { $0.id == id }) else {
            throw ManagementError(404, "No \(Self.singular(collection)) with this id.", errorCode: "inexistent_\(Self.singular(collection).replacingOccurrences(of: " ", with: "_"))")
        }
        return ManagementResponse(.object(object.value))
    }

    /// The refusal of any write: where to make the change instead.
    public func refuseWrite(_ collection: Collection, id: String?, tenant: Tenant) -> ManagementError {
        let source = id.flatMap { id in Self.objects(collection, tenant: tenant).first { $0.id == id }?.source }
            ?? Self.tenantFile(tenant)
        return ManagementError(409, "\(Self.plural(collection).capitalized) are managed by configuration: change \(source) and reload",
                               errorCode: "managed_by_configuration")
    }

    // MARK: Objects

    struct Object {
        let id: String
        let source: String
        let value: [String: JSONValue]
    }

    static func objects(_ collection: Collection, tenant: Tenant) -> [Object] {
        let config = tenant.config
        switch collection {
        case .clients:
            return config.clients.map { client in
                object(client.clientID.value, client.source, [
                    "client_id": .string(client.clientID.value), "name": .string(client.name),
                    "app_type": .string(appType(client.type)), "is_first_party": .bool(client.firstParty),
                    "callbacks": .array(client.redirectURIs.map { .string($0.value.text) }),
                    "allowed_logout_urls": .array(client.postLogoutRedirectURIs.map { .string($0.value.text) }),
                    "initiate_login_uri": client.initiateLoginURI.map { .string($0.value.text) } ?? .null,
                    "web_origins": .array(client.allowedWebOrigins.map { .string($0.value.text) }),
                    "grant_types": .array(client.grantTypes.map { .string($0.rawValue) }),
                    "token_endpoint_auth_method": .string(client.tokenEndpointAuthMethod.rawValue),
                    "oidc_conformant": true,
                    "refresh_token": [
                        "rotation_type": .string(client.refreshToken.rotation == .rotating ? "rotating" : "non-rotating"),
                        "leeway": .int(Int(client.refreshToken.reuseInterval.components.seconds)),
                        "idle_token_lifetime": .int(Int(client.refreshToken.idleLifetime.components.seconds)),
                        "token_lifetime": .int(Int(client.refreshToken.absoluteLifetime.components.seconds)),
                    ],
                ])
            }
        case .connections:
            return config.connections.map { connection in
                let name = connection.name.value
                let clients = config.clients.filter { $0.connections.contains { $0.value.value == name } }.map(\.clientID.value)
                return object(name, connection.source, [
                    "id": .string(name), "name": .string(name), "strategy": .string(connection.type == .database ? "auth0" : connection.type.rawValue),
                    "enabled_clients": .array(clients.map(JSONValue.string)),
                    "options": [
                        "disable_signup": .bool(!connection.signupEnabled),
                        "requires_username": .bool(connection.loginIdentifier != .email),
                        "password_complexity_options": ["min_length": .int(connection.passwordPolicy.minLength)],
                        "password_no_personal_info": ["enable": .bool(connection.passwordPolicy.rejectEmailAsPassword)],
                        "password_dictionary": ["enable": .bool(connection.passwordPolicy.rejectCommonPasswords)],
                        "brute_force_protection": .bool(connection.lockout.maxFailures > 0),
                    ],
                ])
            }
        case .resourceServers:
            return config.resourceServers.map { server in
                var value: [String: JSONValue] = [
                    "id": .string(server.identifier.value), "identifier": .string(server.identifier.value),
                    "name": .string(server.name), "is_system": .bool(server.isSystem),
                    "scopes": .array(server.scopes.map { ["value": .string($0.value), "description": .string($0.description)] }),
                    "token_lifetime": .int(Int(server.tokenLifetime.components.seconds)),
                    "token_lifetime_for_web": .int(Int(server.tokenLifetimeForWeb.components.seconds)),
                    "enforce_policies": .bool(server.enforcePolicies), "token_dialect": .string(server.tokenDialect.rawValue),
                    "allow_offline_access": .bool(server.allowOfflineAccess),
                ]
                if let algorithm = server.signingAlgorithm { value["signing_alg"] = .string(algorithm.rawValue) }
                return object(server.identifier.value, server.source, value, system: server.isSystem)
            }
        case .clientGrants:
            return config.clientGrants.compactMap { grant in
                guard let client = grant.clientID?.value.value, let audience = grant.audience?.value else { return nil }
                let id = "cgr_" + SecretDigest(of: client + "\u{0}" + audience).hex.prefix(16)
                return object(id, grant.source, ["id": .string(id), "client_id": .string(client), "audience": .string(audience),
                                                 "scope": .array(grant.scopes.map { .string($0.value) })])
            }
        }
    }

    private static func object(_ id: String, _ source: SourceMap, _ value: [String: JSONValue], system: Bool = false) -> Object {
        var value = value
        let file = displayFile(source.object.file)
        let place = system ? "built in" : "\(file):\(source.object.line)"
        value["managed_by"] = "configuration"
        value["source"] = system ? ["built_in": true] : ["file": .string(file), "line": .int(source.object.line)]
        return Object(id: id, source: place, value: value)
    }

    private static func tenantFile(_ tenant: Tenant) -> String { displayFile(tenant.config.source.object.file) }

    /// The file as the repository names it (`tenants/acme.yaml`), never the server's absolute path.
    static func displayFile(_ path: String) -> String {
        let components = path.split(separator: "/")
        guard let last = components.last else { return path }
        if components.count >= 2, components[components.count - 2] == "tenants" { return "tenants/\(last)" }
        return String(last)
    }

    private static func appType(_ kind: ClientConfig.Kind) -> String {
        switch kind {
        case .spa: "spa"
        case .regularWeb: "regular_web"
        case .native: "native"
        case .machineToMachine: "non_interactive"
        }
    }

    static func totalsKey(_ collection: Collection) -> String {
        switch collection {
        case .clients: "clients"
        case .connections: "connections"
        case .resourceServers: "resource_servers"
        case .clientGrants: "client_grants"
        }
    }

    static func plural(_ collection: Collection) -> String { totalsKey(collection).replacingOccurrences(of: "_", with: " ") }

    static func singular(_ collection: Collection) -> String { String(plural(collection).dropLast()) }
}
