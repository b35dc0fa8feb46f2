import PortcullisStore
import Foundation

/// How the SQLite store writes dates: UTC Unix time in whole milliseconds, as an INTEGER.
///
/// Integers sort and compare exactly in SQL (no string format or time-zone suffix to get wrong),
/// are compact in indexes, and map one to one onto a PostgreSQL `bigint` or `timestamptz`.
/// Milliseconds are finer than anything an identity provider needs to order. To read them in the
/// sqlite3 shell: `SELECT datetime(created_at / 1000, 'unixepoch')`.
package enum SQLiteTimestamp {
    /// The millisecond count for `date`, rounded to the nearest millisecond.
    package static func milliseconds(_ date: Date) throws(StoreError) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard let milliseconds = Int64(exactly: value) else {
            throw .invalidInput("date \(date) cannot be stored as milliseconds since 1970")
        }
        return milliseconds
    }

    /// The date for a stored millisecond count.
    package static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
