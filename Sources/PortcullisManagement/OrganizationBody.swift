import Foundation
import PortcullisAccounts
import PortcullisCore
import PortcullisStore

/// The request bodies of the organization routes, in Auth0's shapes, checked strictly (unknown
/// keys and wrong types are 400s naming the key). Auth0 keys Portcullis does not implement
/// (`token_quota`, `third_party_client_access`, …) are refused as unknown rather than ignored.
public enum OrganizationBody {
    public typealias EnabledConnection = (name: String, options: OrganizationConnectionOptions)

    /// `POST /organizations` (with `enabled_connections`) or `PATCH /organizations/{id}`.
    public static func organization(_ data: Data, creating: Bool) throws(ManagementError)
        -> (fields: OrganizationFields, connections: [EnabledConnection])
    {
        let body = try UserBody.object(data)
        try UserBody.requireOnly(body, ["name", "display_name", "branding", "metadata"] + (creating ? ["enabled_connections"] : []))
        var fields = OrganizationFields(name: try RoleBody.text(body, "name"))
        if creating, fields.name == nil { throw .invalidBody("Missing required property: name") }
        if let value = body["display_name"] {
            fields.displayName = try nullableText(value, "display_name", nullable: !creating)
        }
        if let value = body["branding"] { fields.branding = try branding(value, nullable: !creating) }
        if let value = body["metadata"] { fields.metadata = try metadata(value) }
        var connections: [EnabledConnection] = []
        if let value = body["enabled_connections"] {
            guard case .array(let entries) = value else { throw .invalidBody("Expected type array for enabled_connections") }
            guard entries.count <= RoleBody.maximumEntries else {
                throw .invalidBody("enabled_connections may have at most \(RoleBody.maximumEntries) entries")
            }
            for entry in entries {
                guard case .object(let object) = entry else { throw .invalidBody("Expected type object for enabled_connections[]") }
                connections.append(try connection(object, creating: true))
            }
        }
        return (fields, connections)
    }

    /// `POST /organizations/{id}/enabled_connections` (with `connection_id`) or
    /// `PATCH …/enabled_connections/{connection_id}`.
    public static func connection(_ data: Data, creating: Bool) throws(ManagementError) -> EnabledConnection {
        try connection(try UserBody.object(data), creating: creating)
    }

    static func connection(_ object: [String: JSONValue], creating: Bool) throws(ManagementError) -> EnabledConnection {
        let options = ["assign_membership_on_login", "show_as_button", "is_signup_enabled"]
        try UserBody.requireOnly(object, (creating ? ["connection_id"] : []) + options)
        var name = ""
        if creating {
            guard let id = try RoleBody.text(object, "connection_id"), !id.isEmpty else {
                throw .invalidBody("Missing required property: connection_id")
            }
            name = id
        }
        var values: [Bool?] = []
        for key in options {
            guard let value = object[key], value != .null else { values.append(nil); continue }
            guard case .bool(let flag) = value else { throw .invalidBody("Expected type boolean for \(key)") }
            values.append(flag)
        }
        return (name, OrganizationConnectionOptions(assignMembershipOnLogin: values[0], showAsButton: values[1],
                                                    isSignupEnabled: values[2]))
    }

    private static func nullableText(_ value: JSONValue, _ key: String, nullable: Bool) throws(ManagementError) -> String? {
        switch value {
        case .string(let text): return text
        case .null where nullable: return nil
        default: throw .invalidBody("Expected type string for \(key)")
        }
    }

    /// `{logo_url, colors: {primary, page_background}}`; `null` (on a patch) clears it.
    private static func branding(_ value: JSONValue, nullable: Bool) throws(ManagementError) -> OrganizationBranding? {
        if value == .null, nullable { return nil }
        guard case .object(let object) = value else { throw .invalidBody("Expected type object for branding") }
        try UserBody.requireOnly(object, ["logo_url", "colors"])
        var branding = OrganizationBranding(logoURL: try RoleBody.text(object, "logo_url"))
        if let colors = object["colors"] {
            guard case .object(let values) = colors else { throw .invalidBody("Expected type object for branding.colors") }
            try UserBody.requireOnly(values, ["primary", "page_background"])
            branding.primaryColor = try RoleBody.text(values, "primary")
            branding.pageBackground = try RoleBody.text(values, "page_background")
        }
        return branding
    }

    /// An object of strings; `null` removes a key (on a patch; on a create there is nothing to remove).
    private static func metadata(_ value: JSONValue) throws(ManagementError) -> [String: String?] {
        guard case .object(let object) = value else { throw .invalidBody("Expected type object for metadata") }
        var result: [String: String?] = [:]
        for (key, entry) in object {
            switch entry {
            case .string(let text): result[key] = .some(text)
            case .null: result[key] = .some(nil)
            default: throw .invalidBody("Expected type string for metadata.\(key)")
            }
        }
        return result
    }
}
