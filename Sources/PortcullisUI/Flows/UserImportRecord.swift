import Foundation
import PortcullisCrypto

/// One line of a user import file: a JSON object with Auth0's bulk-import fields. Passwords come
/// only as hashes: `password_hash` (bcrypt `$2a$`/`$2b$`/`$2y$`, or argon2id), or
/// `custom_password_hash: {algorithm: "bcrypt"|"argon2id", hash: {value: "..."}}`. Imported bcrypt
/// hashes are upgraded to argon2id at the user's next successful login.
public struct UserImportRecord: Sendable, Equatable {
    public var email: String
    public var emailVerified: Bool
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    public var picture: String?
    public var blocked: Bool
    public var appMetadataJSON: String
    public var userMetadataJSON: String
    public var passwordHash: String?

    /// Parses a line, or returns the reason it cannot be imported.
    public static func parse(_ line: String) -> Result<UserImportRecord, ImportLineError> {
        guard let data = line.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return .failure(.init("not a JSON object")) }
        guard let email = object["email"] as? String, EmailAddressCheck.isPlausible(email) else {
            return .failure(.init("missing or invalid \"email\""))
        }
        func text(_ key: String) -> String? { (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        func metadata(_ key: String) -> Result<String, ImportLineError> {
            guard let value = object[key] else { return .success("{}") }
            guard let dictionary = value as? [String: Any],
                  let json = try? JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys])
            else { return .failure(.init("\"\(key)\" must be an object")) }
            return .success(String(decoding: json, as: UTF8.self))
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
        let appMetadata: String, userMetadata: String
        switch metadata("app_metadata") {
        case .success(let json): appMetadata = json
        case .failure(let error): return .failure(error)
        }
        switch metadata("user_metadata") {
        case .success(let json): userMetadata = json
        case .failure(let error): return .failure(error)
        }
        return .success(UserImportRecord(
            email: email, emailVerified: object["email_verified"] as? Bool ?? false, name: text("name"),
            givenName: text("given_name"), familyName: text("family_name"), picture: text("picture"),
            blocked: object["blocked"] as? Bool ?? false, appMetadataJSON: appMetadata, userMetadataJSON: userMetadata,
            passwordHash: hash))
    }
}

public struct ImportLineError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
