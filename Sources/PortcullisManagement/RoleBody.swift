import Foundation
import PortcullisCore
import PortcullisStore

/// The request bodies of the role and permission routes, in Auth0's shapes, checked strictly
/// (unknown keys and wrong types are 400s naming the key, as for users).
public enum RoleBody {
    /// The most entries one call may name: bounds the work and the transaction count per request.
    public static let maximumEntries = 100

    /// `POST /roles`: `{name, description?}`; `PATCH /roles/{id}`: both optional.
    public static func role(_ data: Data, requireName: Bool) throws(ManagementError) -> (name: String?, description: String?) {
        let body = try UserBody.object(data)
        try UserBody.requireOnly(body, ["name", "description"])
        let name = try text(body, "name")
        if requireName, name == nil { throw .invalidBody("Missing required property: name") }
        return (name, try text(body, "description"))
    }

    /// `{permissions: [{resource_server_identifier, permission_name}]}`.
    public static func permissions(_ data: Data) throws(ManagementError) -> [RolePermission] {
        let body = try UserBody.object(data)
        try UserBody.requireOnly(body, ["permissions"])
        var result: [RolePermission] = []
        for entry in try list(body, "permissions") {
            guard case .object(let object) = entry else { throw .invalidBody("Expected type object for permissions[]") }
            try UserBody.requireOnly(object, ["resource_server_identifier", "permission_name"])
            guard let server = try text(object, "resource_server_identifier"), let name = try text(object, "permission_name") else {
                throw .invalidBody("permissions[] needs resource_server_identifier and permission_name")
            }
            result.append(RolePermission(resourceServer: server, permission: name))
        }
        return result
    }

    /// `{key: ["id", …]}`: role ids (`roles`) or user ids (`users`).
    public static func identifiers(_ data: Data, key: String) throws(ManagementError) -> [String] {
        let body = try UserBody.object(data)
        try UserBody.requireOnly(body, [key])
        return try list(body, key).map { (entry) throws(ManagementError) -> String in
            guard case .string(let id) = entry, !id.isEmpty, id.utf8.count <= 200 else {
                throw .invalidBody("Expected non-empty strings in \(key)")
            }
            return id
        }
    }

    // `list` and `text` read the organization bodies too.

    static func list(_ body: [String: JSONValue], _ key: String) throws(ManagementError) -> [JSONValue] {
        guard let value = body[key] else { throw .invalidBody("Missing required property: \(key)") }
        guard case .array(let items) = value else { throw .invalidBody("Expected type array for \(key)") }
        guard (1...maximumEntries).contains(items.count) else {
            throw .invalidBody("\(key) must have 1 to \(maximumEntries) entries")
        }
        return items
    }

    static func text(_ body: [String: JSONValue], _ key: String) throws(ManagementError) -> String? {
        guard let value = body[key] else { return nil }
        guard case .string(let text) = value else { throw .invalidBody("Expected type string for \(key)") }
        return text
    }
}
