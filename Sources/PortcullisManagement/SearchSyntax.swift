import Foundation

/// Auth0's search syntax (a Lucene subset), shared by `/users?q=` and `/logs?q=`, parsed into a tree
/// of terms whose fields each route then maps to what its store can evaluate:
///
/// - `field:value`, `field:"quoted value"`, wildcards (`jo*`, `*@acme.test`, `*mid*`) in values;
/// - `field:[a TO b]` and `{a TO b}` ranges (inclusive, exclusive; `*` leaves an end open);
/// - `_exists_:field`; `AND`, `OR`, `NOT` (capitalized, as Auth0 requires) and parentheses, `AND`
///   binding tighter; terms side by side are joined by `OR`, Lucene's default operator;
/// - a term without a field.
///
/// Hand-written: no Swift library parses Lucene's query syntax; the grammar above is all of it.
public indirect enum SearchExpression: Sendable, Hashable {
    /// `field:value`, or a bare value (`field` nil).
    case term(field: String?, value: SearchValue)
    case exists(String)
    case and([SearchExpression])
    case or([SearchExpression])
    case not(SearchExpression)
}

public enum SearchValue: Sendable, Hashable {
    /// Unquoted, possibly with `*`.
    case word(String)
    /// Quoted: exact, `*` is literal.
    case quoted(String)
    case range(lower: String, lowerInclusive: Bool, upper: String, upperInclusive: Bool)
}

public struct SearchSyntax {
    public static let maxLength = 2048
    static let maxTerms = 64
    static let maxDepth = 10

    private let text: [Character]
    private var position = 0
    private var terms = 0

    /// The expression of `q`; `nil` for an empty query (everything).
    public static func parse(_ q: String) throws(ManagementError) -> SearchExpression? {
        guard q.count <= maxLength else { throw .invalidQuery("q is longer than \(maxLength) characters") }
        var parser = SearchSyntax(text: Array(q))
        parser.skipSpace()
        if parser.atEnd { return nil }
        let expression = try parser.parseOr(depth: 0)
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("unexpected \"\(parser.text[parser.position])\"") }
        return expression
    }

    private init(text: [Character]) {
        self.text = text
    }

    // MARK: Grammar

    private mutating func parseOr(depth: Int) throws(ManagementError) -> SearchExpression {
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

    private mutating func parseAnd(depth: Int) throws(ManagementError) -> SearchExpression {
        var parts = [try parseNot(depth: depth)]
        while true {
            skipSpace()
            guard keyword("AND") else { break }
            parts.append(try parseNot(depth: depth))
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseNot(depth: Int) throws(ManagementError) -> SearchExpression {
        skipSpace()
        if keyword("NOT") { return .not(try parseNot(depth: depth)) }
        return try parsePrimary(depth: depth)
    }

    private mutating func parsePrimary(depth: Int) throws(ManagementError) -> SearchExpression {
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

    private mutating func parseTerm() throws(ManagementError) -> SearchExpression {
        let start = position
        while !atEnd, peek.isLetter || peek.isNumber || peek == "_" || peek == "." || peek == "-" { position += 1 }
        let name = String(text[start..<position])
        guard !atEnd, peek == ":", !name.isEmpty else {
            position = start
            let value = try readValue()
            guard case .word = value else { throw failure("a quoted value or a range needs a field") }
            return .term(field: nil, value: value)
        }
        position += 1
        if name == "_exists_" {
            guard case .word(let field) = try readValue() else { throw failure("_exists_ takes a field name") }
            return .exists(field)
        }
        return .term(field: name, value: try readValue())
    }

    // MARK: Values

    private mutating func readValue() throws(ManagementError) -> SearchValue {
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
            return .range(lower: lower, lowerInclusive: lowerInclusive, upper: upper, upperInclusive: upperInclusive)
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
