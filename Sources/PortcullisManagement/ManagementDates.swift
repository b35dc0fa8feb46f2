import Foundation
import PortcullisCore

/// Dates as the management API writes and reads them: ISO 8601 in UTC with milliseconds
/// (`2026-12-07T10:00:00.000Z`), as Auth0 writes them.
public enum ManagementDates {
    public static func format(_ date: Date) -> String { UTCTimestamp.format(date) }

    /// A date (`2026-01-31`, midnight UTC) or a time with or without fractional seconds.
    /// Rounded to the millisecond, the precision the store keeps (Foundation's parser may land a
    /// hair below one).
    public static func parse(_ text: String) -> Date? {
        let strategies = [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle(),
                          Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()]
        for strategy in strategies {
            if let date = try? Date(text, strategy: strategy) {
                return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
            }
        }
        return nil
    }
}
