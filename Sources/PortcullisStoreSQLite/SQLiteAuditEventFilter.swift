import Foundation
import GRDB
import PortcullisStore

/// An ``AuditEventFilter`` as an SQL condition on `audit_events`, with its arguments bound.
enum SQLiteAuditEventFilter {
    static func condition(_ filter: AuditEventFilter) throws(StoreError) -> SQLiteCondition {
        switch filter {
        case .all:
            return SQLiteCondition("1")
        case .type(let types):
            guard !types.isEmpty else { return SQLiteCondition("0") }
            return SQLiteCondition("type IN (\(Array(repeating: "?", count: types.count).joined(separator: ", ")))",
                                   StatementArguments(types))
        case .subject(let subject):
            return SQLiteCondition("subject = ?", [subject])
        case .actor(let actor):
            return SQLiteCondition("actor = ?", [actor])
        case .ip(let ip):
            return SQLiteCondition("ip = ?", [ip])
        case .detail(let key, let value):
            guard !key.isEmpty, key.utf8.count <= 64, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw StoreError.invalidInput("an event detail key is letters, digits and _")
            }
            return SQLiteCondition("json_extract(details_json, '$.\"\(key)\"') = ?", [value])
        case .occurred(let from, let fromInclusive, let to, let toInclusive):
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let from {
                conditions.append(fromInclusive ? "occurred_at >= ?" : "occurred_at > ?")
                arguments.append(try SQLiteTimestamp.milliseconds(from))
            }
            if let to {
                conditions.append(toInclusive ? "occurred_at <= ?" : "occurred_at < ?")
                arguments.append(try SQLiteTimestamp.milliseconds(to))
            }
            return SQLiteCondition(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), StatementArguments(arguments))
        case .and(let parts):
            return .all(try parts.map { part throws(StoreError) in try condition(part) })
        case .or(let parts):
            return .any(try parts.map { part throws(StoreError) in try condition(part) })
        case .not(let inner):
            return .not(try condition(inner))
        }
    }
}
