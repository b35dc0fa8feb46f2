import Foundation
import PortcullisCore

/// What the assertion may say about the user: the fields ``SAMLUserField`` names and the metadata
/// objects, filled by the caller from the store.
public struct SAMLUserProfile: Sendable {
    public var userID: String
    public var email: String
    public var emailVerified: Bool
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    public var nickname: String?
    public var picture: String?
    public var roles: [String]
    public var appMetadata: JSONValue
    public var userMetadata: JSONValue

    public init(userID: String, email: String, emailVerified: Bool, name: String?, givenName: String?, familyName: String?,
                nickname: String?, picture: String?, roles: [String], appMetadata: JSONValue, userMetadata: JSONValue) {
        self.userID = userID
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.givenName = givenName
        self.familyName = familyName
        self.nickname = nickname
        self.picture = picture
        self.roles = roles
        self.appMetadata = appMetadata
        self.userMetadata = userMetadata
    }

    /// The values of a source (``SAMLUserField``): none when the field is empty or the path absent;
    /// several for roles and metadata arrays; objects are left out (an attribute value is text).
    public func values(of source: String) -> [String] {
        switch source {
        case "email": return email.isEmpty ? [] : [email]
        case "email_verified": return [emailVerified ? "true" : "false"]
        case "name": return name.map { [$0] } ?? []
        case "given_name": return givenName.map { [$0] } ?? []
        case "family_name": return familyName.map { [$0] } ?? []
        case "nickname": return nickname.map { [$0] } ?? []
        case "picture": return picture.map { [$0] } ?? []
        case "user_id": return [userID]
        case "roles": return roles
        default: break
        }
        let path = source.split(separator: ".").map(String.init)
        guard let head = path.first else { return [] }
        var value: JSONValue? = head == "app_metadata" ? appMetadata : head == "user_metadata" ? userMetadata : nil
        for key in path.dropFirst() { value = value?[key] }
        guard let value else { return [] }
        switch value {
        case .array(let items): return items.compactMap(Self.text)
        default: return Self.text(value).map { [$0] } ?? []
        }
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }
}
