import GRDB
import PortcullisStore

/// Turns errors from GRDB into store errors whose text is safe to log.
///
/// GRDB's own descriptions can include the SQL statement and, for decoding errors, the whole row
/// (which may hold a private key). Only SQLite's result code and short message are kept here.
enum SQLiteErrorText {
    /// `SQLite error 5: database is locked`, or the error's type name for non-SQLite errors.
    static func describe(_ error: any Error) -> String {
        if let storeError = error as? StoreError {
            return storeError.description
        }
        if let databaseError = error as? DatabaseError {
            let message = databaseError.message ?? "no message"
            return "SQLite error \(databaseError.resultCode.rawValue): \(message)"
        }
        return "unexpected \(type(of: error))"
    }

    /// Whether `error` means another connection held a lock: worth retrying, not a broken file.
    static func isLockContention(_ error: any Error) -> Bool {
        guard let databaseError = error as? DatabaseError else {
            return false
        }
        return databaseError.resultCode == .SQLITE_BUSY || databaseError.resultCode == .SQLITE_LOCKED
    }

    /// The store error for a failed `operation` (e.g. "append audit event").
    static func storeError(_ error: any Error, during operation: String) -> StoreError {
        if let storeError = error as? StoreError {
            return storeError
        }
        guard let databaseError = error as? DatabaseError else {
            return .unavailable("\(operation): \(describe(error))")
        }
        switch databaseError.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            return .conflict("\(operation): a record with the same key already exists")
        default:
            break
        }
        if isLockContention(error) {
            return .unavailable("\(operation): the database stayed locked longer than the busy timeout")
        }
        return .unavailable("\(operation): \(describe(error))")
    }
}
