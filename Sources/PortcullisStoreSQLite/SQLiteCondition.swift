import GRDB

/// An SQL condition with its bound arguments: what the user search and the audit-event filters
/// translate to, combined with the same three operators.
struct SQLiteCondition {
    var sql: String
    var arguments: StatementArguments

    init(_ sql: String, _ arguments: StatementArguments = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// All of `parts`; none is true.
    static func all(_ parts: [SQLiteCondition]) -> SQLiteCondition { joined(parts, "AND", empty: "1") }

    /// Any of `parts`; none is false.
    static func any(_ parts: [SQLiteCondition]) -> SQLiteCondition { joined(parts, "OR", empty: "0") }

    /// The negation, with NULL taken as false: `NOT (name = ?)` is NULL for a user without a name,
    /// which would drop the row that the negation should keep.
    static func not(_ inner: SQLiteCondition) -> SQLiteCondition {
        SQLiteCondition("NOT COALESCE((\(inner.sql)), 0)", inner.arguments)
    }

    private static func joined(_ parts: [SQLiteCondition], _ operator: String, empty: String) -> SQLiteCondition {
        guard !parts.isEmpty else { return SQLiteCondition(empty) }
        var arguments = StatementArguments()
        for part in parts { arguments += part.arguments }
        return SQLiteCondition(parts.map { "(\($0.sql))" }.joined(separator: " \(`operator`) "), arguments)
    }
}
