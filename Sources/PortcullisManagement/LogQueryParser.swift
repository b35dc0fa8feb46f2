import Foundation
import PortcullisStore

/// `/logs?q=`: Auth0's log search (see ``SearchSyntax``) over the fields Portcullis records:
/// `type` (an Auth0 code), `user_id`, `client_id`, `ip`, `connection` and `date` (a range).
public enum LogQueryParser {
    public static func parse(_ q: String) throws(ManagementError) -> AuditEventFilter {
        guard let expression = try SearchSyntax.parse(q) else { return .all }
        return try filter(expression)
    }

    static func filter(_ expression: SearchExpression) throws(ManagementError) -> AuditEventFilter {
        switch expression {
        case .and(let parts): return .and(try parts.map { part throws(ManagementError) in try filter(part) })
        case .or(let parts): return .or(try parts.map { part throws(ManagementError) in try filter(part) })
        case .not(let inner): return .not(try filter(inner))
        case .exists:
            throw .invalidQuery("q: _exists_ is not supported on logs")
        case .term(nil, _):
            throw .invalidQuery("q: log searches name a field: type, user_id, client_id, ip, connection or date")
        case .term(let name?, let value):
            return try term(name, value)
        }
    }

    private static func term(_ name: String, _ value: SearchValue) throws(ManagementError) -> AuditEventFilter {
        if name == "date" {
            guard case .range(let lower, let lowerInclusive, let upper, let upperInclusive) = value else {
                throw .invalidQuery("q: date takes a range, e.g. date:[2026-01-01 TO *]")
            }
            return .occurred(from: try date(lower), fromInclusive: lowerInclusive, to: try date(upper), toInclusive: upperInclusive)
        }
        let text: String
        switch value {
        case .quoted(let quoted): text = quoted
        case .word(let word):
            guard !word.contains("*") else { throw .invalidQuery("q: wildcards are not supported on logs") }
            text = word
        case .range: throw .invalidQuery("q: only date takes a range")
        }
        switch name {
        case "type":
            guard let filter = LogTypes.filter(code: text) else {
                throw .invalidQuery("q: unknown log type \"\(text.prefix(32))\"; known: \(LogTypes.codes.joined(separator: ", "))")
            }
            return filter
        case "user_id":
            // `connection|id` or the bare id; events name the user by the store's id.
            let id = text.split(separator: "|", maxSplits: 1).last.map(String.init) ?? text
            return .subject(EventParty.user(id).text)
        case "client_id":
            return .or([.actor(EventParty.client(text).text), .detail("client_id", text)])
        case "ip":
            return .ip(text)
        case "connection":
            return .detail("connection", text)
        default:
            throw .invalidQuery("q: unknown log field \"\(name.prefix(64))\"; known: type, user_id, client_id, ip, connection, date")
        }
    }

    private static func date(_ text: String) throws(ManagementError) -> Date? {
        if text == "*" { return nil }
        guard let date = ManagementDates.parse(text) else {
            throw .invalidQuery("q: date ranges take dates (2026-01-31) or times (2026-01-31T12:00:00Z)")
        }
        return date
    }
}
