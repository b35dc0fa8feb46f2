import Foundation
import GRDB
import PortcullisStore

/// A ``UserQuery`` as an SQL condition on the `users` table, with its arguments. Values are always
/// bound, never spliced; the only text built from input is a JSON path, and only from keys made of
/// letters, digits, `_` and `-`.
struct SQLiteUserQuery {
    var sql: String
    var arguments: StatementArguments

    /// `portcullis_fold(text)`: ``User/normalizedLoginName(_:)`` in SQL. SQLite's `lower()` folds
    /// ASCII only; names and usernames compare case-insensitively in every script, as emails do
    /// through `email_key`.
    static let foldFunction = DatabaseFunction("portcullis_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(User.normalizedLoginName)
    }

    init(_ query: UserQuery) throws(StoreError) {
        switch query {
        case .all:
            self.init(sql: "1", arguments: [])
        case .and(let parts):
            self.init(.all(try parts.map { part throws(StoreError) in try SQLiteUserQuery(part).condition }))
        case .or(let parts):
            self.init(.any(try parts.map { part throws(StoreError) in try SQLiteUserQuery(part).condition }))
        case .not(let inner):
            self.init(.not(try SQLiteUserQuery(inner).condition))
        case .exists(let field):
            let column = try Self.column(field)
            switch field {
            case .appMetadata, .userMetadata:
                // json_extract gives SQL NULL for both a missing key and a JSON null: neither exists.
                self.init(sql: "\(column) IS NOT NULL", arguments: [])
            default:
                self.init(sql: "\(column) IS NOT NULL AND \(column) <> ''", arguments: [])
            }
        case .match(let field, let pattern):
            try self.init(match: field, pattern)
        case .range(let field, let lower, let upper):
            let column = try Self.column(field)
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            for (bound, isLower) in [(lower, true), (upper, false)] {
                guard let bound else { continue }
                let comparison = isLower ? (bound.inclusive ? ">=" : ">") : (bound.inclusive ? "<=" : "<")
                conditions.append("\(column) \(comparison) ?")
                switch bound.value {
                case .time(let date): arguments.append(try SQLiteTimestamp.milliseconds(date))
                case .count(let count): arguments.append(count)
                }
            }
            if conditions.isEmpty { conditions = ["\(column) IS NOT NULL"] }
            self.init(sql: conditions.joined(separator: " AND "), arguments: StatementArguments(arguments))
        }
    }

    private init(sql: String, arguments: StatementArguments) {
        self.sql = sql
        self.arguments = arguments
    }

    private init(_ condition: SQLiteCondition) {
        self.init(sql: condition.sql, arguments: condition.arguments)
    }

    var condition: SQLiteCondition { SQLiteCondition(sql, arguments) }

    private init(match field: UserQueryField, _ pattern: UserQueryPattern) throws(StoreError) {
        switch field {
        case .userID:
            // `connection|id` names one user exactly; a bare value is the store's own id.
            if case .exact(let value) = pattern {
                if let bar = value.firstIndex(of: "|") {
                    self.init(sql: "connection = ? AND id = ?",
                              arguments: [String(value[..<bar]), String(value[value.index(after: bar)...])])
                } else {
                    self.init(sql: "id = ?", arguments: [value])
                }
                return
            }
        case .emailVerified, .blocked:
            guard case .exact(let value) = pattern, let flag = ["true": true, "false": false][value] else {
                throw StoreError.invalidInput("\(field) takes true or false")
            }
            self.init(sql: "\(try Self.column(field)) = ?", arguments: [flag])
            return
        case .loginsCount:
            guard case .exact(let value) = pattern, let count = Int(value) else {
                throw StoreError.invalidInput("logins_count takes an integer")
            }
            self.init(sql: "login_count = ?", arguments: [count])
            return
        case .appMetadata(let path), .userMetadata(let path):
            if case .exact(let value) = pattern {
                // JSON true/false and numbers are matched as such; anything else as text.
                let document = field == .appMetadata(path) ? "app_metadata_json" : "user_metadata_json"
                let jsonPath = try Self.jsonPath(path)
                let type = "json_type(\(document), '\(jsonPath)')"
                let value_ = "json_extract(\(document), '\(jsonPath)')"
                if value == "true" || value == "false" {
                    self.init(sql: "\(type) = ?", arguments: [value])
                } else if let number = Double(value), number.isFinite {
                    self.init(sql: "(\(type) IN ('integer', 'real') AND \(value_) = ?) OR (\(type) = 'text' AND \(value_) = ?)",
                              arguments: [number, value])
                } else {
                    self.init(sql: "\(type) = 'text' AND \(value_) = ?", arguments: [value])
                }
                return
            }
        default:
            break
        }
        let column = try Self.column(field)
        let fold = field.ignoresCase
        func value(_ text: String) -> String { fold ? User.normalizedLoginName(text) : text }
        switch pattern {
        case .exact(let text):
            self.init(sql: "\(column) = ?", arguments: [value(text)])
        case .prefix(let text):
            self.init(sql: "substr(\(column), 1, ?) = ?", arguments: [value(text).count, value(text)])
        case .suffix(let text):
            self.init(sql: "length(\(column)) >= ? AND substr(\(column), -?) = ?",
                      arguments: [value(text).count, value(text).count, value(text)])
        case .contains(let text):
            self.init(sql: "instr(\(column), ?) > 0", arguments: [value(text)])
        }
    }

    /// The SQL expression of a field, folded when it compares case-insensitively.
    private static func column(_ field: UserQueryField) throws(StoreError) -> String {
        switch field {
        case .userID: return "(connection || '|' || id)"
        case .email: return "email_key"
        case .emailDomain: return "substr(email_key, instr(email_key, '@') + 1)"
        case .emailVerified: return "email_verified"
        case .username: return "username_key"
        case .name: return "portcullis_fold(name)"
        case .givenName: return "portcullis_fold(given_name)"
        case .familyName: return "portcullis_fold(family_name)"
        case .picture: return "picture"
        case .blocked: return "blocked"
        case .connection: return "connection"
        case .loginsCount: return "login_count"
        case .createdAt: return "created_at"
        case .updatedAt: return "updated_at"
        case .lastLogin: return "last_login_at"
        case .appMetadata(let path): return "json_extract(app_metadata_json, '\(try jsonPath(path))')"
        case .userMetadata(let path): return "json_extract(user_metadata_json, '\(try jsonPath(path))')"
        }
    }

    /// `$."a"."b"`: keys quoted, so a key that looks like an index or an operator is still a key.
    private static func jsonPath(_ keys: [String]) throws(StoreError) -> String {
        guard !keys.isEmpty, keys.count <= 8 else { throw StoreError.invalidInput("a metadata path has 1 to 8 keys") }
        for key in keys where key.isEmpty || key.utf8.count > 100
            || !key.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }) {
            throw StoreError.invalidInput("metadata keys in a search are letters, digits, _ and - (found \"\(key.prefix(100))\")")
        }
        return "$" + keys.map { ".\"\($0)\"" }.joined()
    }

    /// The ORDER BY clause of `sort`, with `id` last so that equal values page stably.
    static func orderBy(_ sort: UserSort) -> String {
        let direction = sort.ascending ? "ASC" : "DESC"
        let column: String = switch sort.field {
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .lastLogin: "last_login_at"
        case .email: "email_key"
        case .name: "portcullis_fold(name)"
        case .loginsCount: "login_count"
        }
        // Users who never logged in (NULL) come last in either direction.
        let nulls = sort.field == .lastLogin || sort.field == .name ? "\(column) IS NULL, " : ""
        return "\(nulls)\(column) \(direction), id \(direction)"
    }
}
