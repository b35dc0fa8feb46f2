import Foundation
import PortcullisStore

/// `/users?q=`: Auth0's user search (see ``SearchSyntax``) mapped to a ``UserQuery``. Ranges work on
/// `logins_count`, `created_at`, `updated_at` and `last_login`; a suffix search needs at least 3
/// characters and user_metadata takes no wildcards, as in Auth0; a term without a field matches
/// email, name, given_name, family_name and username containing it.
public enum UserQueryParser {
    public static let maxLength = SearchSyntax.maxLength

    public static func parse(_ q: String) throws(ManagementError) -> UserQuery {
        guard let expression = try SearchSyntax.parse(q) else { return .all }
        return try query(expression)
    }

    static func query(_ expression: SearchExpression) throws(ManagementError) -> UserQuery {
        switch expression {
        case .and(let parts): return .and(try parts.map { part throws(ManagementError) in try query(part) })
        case .or(let parts): return .or(try parts.map { part throws(ManagementError) in try query(part) })
        case .not(let inner): return .not(try query(inner))
        case .exists(let name): return .exists(try field(name))
        case .term(nil, .word(let word)):
            let pattern = try pattern(word, containsByDefault: true)
            return .or([UserQueryField.email, .name, .givenName, .familyName, .username].map { .match($0, pattern) })
        case .term(nil, _):
            throw .invalidQuery("q: a quoted value or a range needs a field")
        case .term(let name?, let value):
            return try term(name, value)
        }
    }

    private static func term(_ name: String, _ value: SearchValue) throws(ManagementError) -> UserQuery {
        let field = try field(name)
        switch value {
        case .quoted(let text):
            return try exact(field, text, name: name)
        case .word(let word):
            if case .userMetadata = field, word.contains("*") {
                throw .invalidQuery("q: wildcards cannot be used on user_metadata fields")
            }
            let pattern = try pattern(word, containsByDefault: false)
            if case .exact(let text) = pattern { return try exact(field, text, name: name) }
            guard takesPatterns(field) else { throw .invalidQuery("q: \(name) does not take wildcards") }
            return .match(field, pattern)
        case .range(let lower, let lowerInclusive, let upper, let upperInclusive):
            guard field == .loginsCount || field.isTime else {
                throw .invalidQuery("q: ranges work on logins_count, created_at, updated_at and last_login, not \(name)")
            }
            return .range(field, lower: try bound(lower, inclusive: lowerInclusive, field: field, name: name),
                          upper: try bound(upper, inclusive: upperInclusive, field: field, name: name))
        }
    }

    static func field(_ name: String) throws(ManagementError) -> UserQueryField {
        switch name {
        case "user_id": return .userID
        case "email": return .email
        case "email.domain": return .emailDomain
        case "email_verified": return .emailVerified
        case "username": return .username
        case "name": return .name
        case "given_name": return .givenName
        case "family_name": return .familyName
        case "picture": return .picture
        case "blocked": return .blocked
        case "identities.connection": return .connection
        case "logins_count": return .loginsCount
        case "created_at": return .createdAt
        case "updated_at": return .updatedAt
        case "last_login": return .lastLogin
        default:
            for (prefix, make) in [("app_metadata.", UserQueryField.appMetadata), ("user_metadata.", UserQueryField.userMetadata)]
            where name.hasPrefix(prefix) {
                let path = name.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard !path.contains(where: \.isEmpty) else { throw .invalidQuery("q: \(name) is not a metadata path") }
                return make(path)
            }
            throw .invalidQuery("q: unknown field \"\(name.prefix(64))\"")
        }
    }

    private static func takesPatterns(_ field: UserQueryField) -> Bool {
        switch field {
        case .emailVerified, .blocked, .loginsCount, .createdAt, .updatedAt, .lastLogin: false
        default: true
        }
    }

    private static func exact(_ field: UserQueryField, _ value: String, name: String) throws(ManagementError) -> UserQuery {
        switch field {
        case .emailVerified, .blocked:
            guard value == "true" || value == "false" else { throw .invalidQuery("q: \(name) takes true or false") }
        case .loginsCount:
            guard Int(value) != nil else { throw .invalidQuery("q: logins_count takes an integer") }
        case .createdAt, .updatedAt, .lastLogin:
            throw .invalidQuery("q: \(name) takes a range, e.g. \(name):[2026-01-01 TO *]")
        default:
            break
        }
        return .match(field, .exact(value))
    }

    /// `*` at the start, the end or both; anywhere else it is refused rather than taken literally.
    static func pattern(_ word: String, containsByDefault: Bool) throws(ManagementError) -> UserQueryPattern {
        let leading = word.hasPrefix("*")
        let trailing = word.count > 1 && word.hasSuffix("*")
        var core = Substring(word)
        if leading { core = core.dropFirst() }
        if trailing { core = core.dropLast() }
        guard !core.contains("*") else { throw .invalidQuery("q: * is allowed only at the start or the end of a value") }
        guard !core.isEmpty else { throw .invalidQuery("q: a wildcard needs some text next to it") }
        let text = String(core)
        switch (leading, trailing) {
        case (true, true): return .contains(text)
        case (true, false):
            guard text.count >= 3 else { throw .invalidQuery("q: a suffix search (*text) needs at least 3 characters") }
            return .suffix(text)
        case (false, true): return .prefix(text)
        case (false, false): return containsByDefault ? .contains(text) : .exact(text)
        }
    }

    private static func bound(_ text: String, inclusive: Bool, field: UserQueryField,
                              name: String) throws(ManagementError) -> UserQueryBound? {
        if text == "*" { return nil }
        if field == .loginsCount {
            guard let count = Int(text) else { throw .invalidQuery("q: logins_count ranges take integers") }
            return UserQueryBound(.count(count), inclusive: inclusive)
        }
        guard let date = ManagementDates.parse(text) else {
            throw .invalidQuery("q: \(name) ranges take dates (2026-01-31) or times (2026-01-31T12:00:00Z)")
        }
        return UserQueryBound(.time(date), inclusive: inclusive)
    }
}
