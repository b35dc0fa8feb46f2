import Foundation
import PortcullisStore

/// Auth0's user search syntax (a Lucene subset) parsed into a ``UserQuery``:
///
/// - `field:value`, `field:"quoted value"`, `field:jo*` (prefix), `field:*@acme.test` (suffix of at
///   least 3 characters, as Auth0 requires), `field:*mid*`;
/// - `field:[a TO b]` and `{a TO b}` ranges (inclusive, exclusive; `*` leaves an end open) on
///   `logins_count`, `created_at`, `updated_at` and `last_login`;
/// - `_exists_:field`; `AND`, `OR`, `NOT` (capitalized, as Auth0 requires) and parentheses, `AND`
///   binding tighter; terms side by side are joined by `OR`, Lucene's default operator;
/// - a term without a field matches email, name, given_name, family_name and username containing it.
///
/// Hand-written: no Swift library parses Lucene's query syntax; the grammar above is all of it.
public struct UserQueryParser {
    public static let maxLength = 2048
    static let maxTerms = 64
    static let maxDepth = 10

    private let text: [Character]
    private var position = 0
    private var terms = 0

    public static func parse(_ q: String) throws(ManagementError) -> UserQuery {
        guard q.count <= maxLength else { throw .invalidQuery("q is longer than \(maxLength) characters") }
        var parser = UserQueryParser(text: Array(q))
        parser.skipSpace()
        if parser.atEnd { return .all }
        let query = try parser.parseOr(depth: 0)
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("unexpected \"\(parser.text[parser.position])\"") }
        return query
    }

    private init(text: [Character]) {
        self.text = text
    }

    // MARK: Grammar

    private mutating func parseOr(depth: Int) throws(ManagementError) -> UserQuery {
        guard depth <= Self.maxDepth else { throw failure("parentheses nest deeper than \(Self.maxDepth)") }
        var parts = [try parseAnd(depth: depth)]
        while true {
            skipSpace()
            if atEnd || peek == ")" { break }
            _ = keyword("OR")
            parts.append(try parseAnd(depth: depth))
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func parseAnd(depth: Int) throws(ManagementError) -> UserQuery {
        var parts = [try parseNot(depth: depth)]
        while true {
            skipSpace()
            guard keyword("AND") else { break }
            parts.append(try parseNot(depth: depth))
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseNot(depth: Int) throws(ManagementError) -> UserQuery {
        skipSpace()
        if keyword("NOT") { return .not(try parseNot(depth: depth)) }
        return try parsePrimary(depth: depth)
    }

    private mutating func parsePrimary(depth: Int) throws(ManagementError) -> UserQuery {
        skipSpace()
        guard !atEnd else { throw failure("a term is missing at the end") }
        if peek == "(" {
            position += 1
            let inner = try parseOr(depth: depth + 1)
            skipSpace()
            guard !atEnd, peek == ")" else { throw failure("a \")\" is missing") }
            position += 1
            return inner
        }
        if peek == ")" { throw failure("unexpected \")\"") }
        terms += 1
        guard terms <= Self.maxTerms else { throw failure("more than \(Self.maxTerms) terms") }
        return try parseTerm()
    }

    private mutating func parseTerm() throws(ManagementError) -> UserQuery {
        let start = position
        while !atEnd, peek.isLetter || peek.isNumber || peek == "_" || peek == "." || peek == "-" { position += 1 }
        let name = String(text[start..<position])
        guard !atEnd, peek == ":", !name.isEmpty else {
            // A bare term: the word (with any wildcards) searched in the normalized fields.
            position = start
            let value = try readValue()
            guard case .word(let word) = value else { throw failure("a range needs a field") }
            let pattern = try Self.pattern(word, containsByDefault: true)
            return .or([UserQueryField.email, .name, .givenName, .familyName, .username].map { .match($0, pattern) })
        }
        position += 1
        if name == "_exists_" {
            let value = try readValue()
            guard case .word(let fieldName) = value else { throw failure("_exists_ takes a field name") }
            return .exists(try Self.field(fieldName))
        }
        let field = try Self.field(name)
        switch try readValue() {
        case .quoted(let value):
            return try Self.exact(field, value, name: name)
        case .word(let word):
            if case .userMetadata = field, word.contains("*") {
                throw .invalidQuery("q: wildcards cannot be used on user_metadata fields")
            }
            let pattern = try Self.pattern(word, containsByDefault: false)
            if case .exact(let value) = pattern { return try Self.exact(field, value, name: name) }
            guard Self.takesPatterns(field) else { throw .invalidQuery("q: \(name) does not take wildcards") }
            return .match(field, pattern)
        case .range(let lower, let lowerInclusive, let upper, let upperInclusive):
            guard field == .loginsCount || field.isTime else {
                throw .invalidQuery("q: ranges work on logins_count, created_at, updated_at and last_login, not \(name)")
            }
            return .range(field, lower: try Self.bound(lower, inclusive: lowerInclusive, field: field, name: name),
                          upper: try Self.bound(upper, inclusive: upperInclusive, field: field, name: name))
        }
    }

    // MARK: Values

    private enum Value {
        case word(String)
        case quoted(String)
        case range(String, Bool, String, Bool)
    }

    private mutating func readValue() throws(ManagementError) -> Value {
        guard !atEnd else { throw failure("a value is missing") }
        switch peek {
        case "\"":
            position += 1
            var value = ""
            while true {
                guard !atEnd else { throw failure("a closing quote is missing") }
                let character = text[position]
                position += 1
                if character == "\"" { break }
                if character == "\\", !atEnd {
                    value.append(text[position])
                    position += 1
                } else {
                    value.append(character)
                }
            }
            return .quoted(value)
        case "[", "{":
            let lowerInclusive = peek == "["
            position += 1
            skipSpace()
            let lower = readWord(stoppingAt: [])
            skipSpace()
            guard keyword("TO") else { throw failure("a range is written [from TO to]") }
            skipSpace()
            let upper = readWord(stoppingAt: ["]", "}"])
            skipSpace()
            guard !atEnd, peek == "]" || peek == "}" else { throw failure("a range must end with ] or }") }
            let upperInclusive = peek == "]"
            position += 1
            guard !lower.isEmpty, !upper.isEmpty else { throw failure("a range needs both ends (* for open)") }
            return .range(lower, lowerInclusive, upper, upperInclusive)
        case "(":
            throw failure("grouped values (field:(a b)) are not supported; quote the value or repeat the field")
        default:
            let word = readWord(stoppingAt: [")"])
            guard !word.isEmpty else { throw failure("a value is missing") }
            return .word(word)
        }
    }

    private mutating func readWord(stoppingAt stops: Set<Character>) -> String {
        var word = ""
        while !atEnd, !peek.isWhitespace, !stops.contains(peek) {
            if peek == "\\", position + 1 < text.count {
                word.append(text[position + 1])
                position += 2
            } else {
                word.append(peek)
                position += 1
            }
        }
        return word
    }

    // MARK: Fields and patterns

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

    // MARK: Scanning

    private var atEnd: Bool { position >= text.count }
    private var peek: Character { text[position] }

    private mutating func skipSpace() {
        while !atEnd, peek.isWhitespace { position += 1 }
    }

    /// Consumes `word` when it stands alone at the position (followed by a space, `(`, or the end).
    private mutating func keyword(_ word: String) -> Bool {
        let characters = Array(word)
        guard position + characters.count <= text.count, Array(text[position..<position + characters.count]) == characters
        else { return false }
        let next = position + characters.count
        guard next == text.count || text[next].isWhitespace || text[next] == "(" || text[next] == "[" else { return false }
        position = next
        return true
    }

    private func failure(_ message: String) -> ManagementError {
        .invalidQuery("q: \(message) (at character \(min(position, text.count) + 1))")
    }
}
