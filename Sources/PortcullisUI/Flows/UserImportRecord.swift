import Foundation
import PortcullisAccounts
import PortcullisCrypto
import PortcullisStore

/// One line of a user import file: a JSON object with Auth0's bulk-import fields. Passwords come
/// only as hashes: `password_hash` (bcrypt `$2a$`/`$2b$`/`$2y$`, or argon2id), or
/// `custom_password_hash: {algorithm: "bcrypt"|"argon2id", hash: {value: "..."}}`. Imported bcrypt
/// hashes are upgraded to argon2id at the user's next successful login.
public struct UserImportRecord: Sendable, Equatable {
    /// The fields an import line sets, by ``UserField``; the line's omissions take the field's
    /// default, so importing a user again replaces what an earlier import wrote. `username` is not
    /// imported: it would need the connection's username rules, which the import does not check.
    public static let importedFields: [UserField] = UserField.allCases.filter { $0 != .email && $0 != .username }

    public var email: String
    /// A value for every field of ``importedFields``.
    public var values: [UserField: UserFieldValue]
    public var passwordHash: String?

    public var emailVerified: Bool { values[.emailVerified] == .flag(true) }
    public var name: String? { if case .text(let name)? = values[.name] { name } else { nil } }
    public var appMetadataJSON: String { if case .object(let json)? = values[.appMetadata] { json } else { "{}" } }

    /// Parses a line, or returns the reason it cannot be imported.
    public static func parse(_ line: String) -> Result<UserImportRecord, ImportLineError> {
        guard let data = line.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return .failure(.init("not a JSON object")) }
        guard let email = object[UserField.email.rawValue] as? String, EmailAddressCheck.isPlausible(email) else {
            return .failure(.init("missing or invalid \"email\""))
        }
        func text(_ key: String) -> String? { (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        var values: [UserField: UserFieldValue] = [:]
        for field in importedFields {
            let key = field.rawValue
            switch field.kind {
            case .text: values[field] = .text(text(key))
            case .flag: values[field] = .flag(object[key] as? Bool ?? false)
            case .object:
                guard let value = object[key] else {
                    values[field] = field.defaultValue
                    continue
                }
                guard let dictionary = value as? [String: Any],
                      let json = try? JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys])
                else { return .failure(.init("\"\(key)\" must be an object")) }
                values[field] = .object(String(decoding: json, as: UTF8.self))
            }
        }
        var hash = text("password_hash")
        if let custom = object["custom_password_hash"] as? [String: Any] {
            guard let algorithm = custom["algorithm"] as? String, ["bcrypt", "argon2id", "argon2"].contains(algorithm),
                  let value = (custom["hash"] as? [String: Any])?["value"] as? String
            else { return .failure(.init("\"custom_password_hash\" must name algorithm bcrypt or argon2id and hash.value")) }
            hash = value
        }
        if let hash, PasswordHashFormat(encoded: hash) == nil {
            return .failure(.init("password hash is neither bcrypt ($2a$/$2b$/$2y$) nor argon2id"))
        }
        return .success(UserImportRecord(email: email, values: values, passwordHash: hash))
    }
}

public struct ImportLineError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
