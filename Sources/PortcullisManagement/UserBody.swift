import Foundation
import PortcullisAccounts
import PortcullisCore
import PortcullisStore

/// The JSON bodies of `POST /users` and `PATCH /users/{id}`, checked field by field: unknown
/// fields, wrong types and oversize values are refused with a message naming the field, before
/// anything is stored.
public enum UserBody {
    /// Metadata objects above this size (encoded) are refused, so one user cannot grow without bound.
    public static let maxMetadataBytes = 64 * 1024
    static let textLimits: [UserField: Int] = [
        .email: 254, .username: 128, .name: 300, .givenName: 150, .familyName: 150, .picture: 2048,
    ]

    /// `POST /users`.
    public struct Create: Sendable {
        public var connection: String
        public var user: NewUser
        public var verifyEmail: Bool
    }

    /// `PATCH /users/{id}`.
    public struct Patch: Sendable {
        public var changes: UserChanges
        /// Auth0's `connection` parameter: the identity whose fields change; must be the user's.
        public var connection: String?
        public var verifyEmail: Bool
        /// Whether anything but `app_metadata` changes (the `update:users_app_metadata` scope covers only that).
        public var touchesMoreThanAppMetadata: Bool
    }

    public static func object(_ data: Data) throws(ManagementError) -> [String: JSONValue] {
        guard !data.isEmpty else { throw .invalidBody("the body must be a JSON object") }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .invalidBody("the body is not valid JSON")
        }
        guard case .object(let object) = value else { throw .invalidBody("the body must be a JSON object") }
        return object
    }

    public static func create(_ data: Data) throws(ManagementError) -> Create {
        let body = try object(data)
        try requireOnly(body, ["connection", "email", "password", "password_hash", "verify_email"]
                        + UserField.allCases.map(\.rawValue))
        guard case .string(let connection)? = body["connection"], !connection.isEmpty else {
            throw .invalidBody("Missing required property: connection")
        }
        guard case .string(let email)? = body["email"] else { throw .invalidBody("Missing required property: email") }
        var values: [UserField: UserFieldValue] = [:]
        for field in UserField.allCases where field != .email {
            if let value = body[field.rawValue] { values[field] = try fieldValue(field, value, nullable: false) }
        }
        _ = try text(.email, .string(email), nullable: false)
        let password: NewUser.Password?
        switch (body["password"], body["password_hash"]) {
        case (nil, nil): password = nil
        case (.string(let plain)?, nil): password = .plain(plain)
        case (nil, .string(let hash)?): password = .hash(hash)
        case (.some, .some): throw .invalidBody("password and password_hash cannot be given together")
        default: throw .invalidBody("Expected type string for password and password_hash")
        }
        return Create(connection: connection, user: NewUser(email: email, values: values, password: password),
                      verifyEmail: try flag(body, "verify_email") ?? false)
    }

    public static func patch(_ data: Data) throws(ManagementError) -> Patch {
        let body = try object(data)
        try requireOnly(body, ["connection", "password", "verify_email", "client_id"] + UserField.allCases.map(\.rawValue))
        var changes = UserChanges()
        for field in UserField.allCases {
            guard let value = body[field.rawValue] else { continue }
            switch field {
            case .appMetadata: changes.appMetadata = try metadata(field, value)
            case .userMetadata: changes.userMetadata = try metadata(field, value)
            default: changes.values[field] = try fieldValue(field, value, nullable: field != .email)
            }
        }
        if let password = body["password"] {
            guard case .string(let plain) = password else { throw .invalidBody("Expected type string for password") }
            changes.password = plain
        }
        var connection: String?
        if let value = body["connection"] {
            guard case .string(let name) = value else { throw .invalidBody("Expected type string for connection") }
            connection = name
        }
        if let value = body["client_id"], value.stringValue == nil { throw .invalidBody("Expected type string for client_id") }
        let others = Set(body.keys).subtracting(["app_metadata", "connection", "client_id"])
        return Patch(changes: changes, connection: connection, verifyEmail: try flag(body, "verify_email") ?? false,
                     touchesMoreThanAppMetadata: !others.isEmpty)
    }

    // MARK: Fields

    /// Refuses keys outside `allowed`, naming the first unknown one (shared by every body parser).
    static func requireOnly(_ body: [String: JSONValue], _ allowed: [String]) throws(ManagementError) {
        let allowed = Set(allowed)
        if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidBody("Additional properties not allowed: \(unknown.prefix(64))")
        }
    }

    private static func flag(_ body: [String: JSONValue], _ key: String) throws(ManagementError) -> Bool? {
        guard let value = body[key] else { return nil }
        guard case .bool(let flag) = value else { throw .invalidBody("Expected type boolean for \(key)") }
        return flag
    }

    static func fieldValue(_ field: UserField, _ value: JSONValue, nullable: Bool) throws(ManagementError) -> UserFieldValue {
        switch field.kind {
        case .text:
            return .text(try text(field, value, nullable: nullable))
        case .flag:
            guard case .bool(let flag) = value else { throw .invalidBody("Expected type boolean for \(field.rawValue)") }
            return .flag(flag)
        case .object:
            let object = try metadata(field, value)
            return .object(try encoded(object.filter { $0.value != .null }, field: field))
        }
    }

    private static func text(_ field: UserField, _ value: JSONValue, nullable: Bool) throws(ManagementError) -> String? {
        if value == .null, nullable { return nil }
        guard case .string(let text) = value else { throw .invalidBody("Expected type string for \(field.rawValue)") }
        let limit = textLimits[field] ?? 300
        guard text.count <= limit else { throw .invalidBody("\(field.rawValue) is longer than \(limit) characters") }
        guard !text.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) }) else {
            throw .invalidBody("\(field.rawValue) must not contain control characters")
        }
        if field == .username, let text = Optional(text), !text.isEmpty,
           !text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_+-.!#$^`~@'".unicodeScalars.contains($0) }) {
            throw .invalidBody("username may contain letters, digits and _+-.!#$^`~@' only")
        }
        return text
    }

    /// A metadata object with Auth0's key rules (no `.` in a key, none starting with `$`), within the size bound.
    static func metadata(_ field: UserField, _ value: JSONValue) throws(ManagementError) -> [String: JSONValue] {
        guard case .object(let object) = value else { throw .invalidBody("Expected type object for \(field.rawValue)") }
        try checkKeys(value, field: field)
        _ = try encoded(object, field: field)
        return object
    }

    private static func checkKeys(_ value: JSONValue, field: UserField, depth: Int = 0) throws(ManagementError) {
        guard depth < 16 else { throw .invalidBody("\(field.rawValue) nests deeper than 16 levels") }
        switch value {
        case .object(let object):
            for (key, inner) in object {
                guard !key.isEmpty, !key.contains("."), !key.hasPrefix("$") else {
                    throw .invalidBody("\(field.rawValue): keys must be non-empty, without \".\" and not start with \"$\"")
                }
                try checkKeys(inner, field: field, depth: depth + 1)
            }
        case .array(let items):
            for item in items { try checkKeys(item, field: field, depth: depth + 1) }
        default:
            break
        }
    }

    private static func encoded(_ object: [String: JSONValue], field: UserField) throws(ManagementError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(JSONValue.object(object)) else {
            throw .invalidBody("\(field.rawValue) cannot be encoded")
        }
        guard data.count <= maxMetadataBytes else {
            throw .invalidBody("\(field.rawValue) is larger than \(maxMetadataBytes / 1024) KiB")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
