import Foundation

/// Dates as the management API writes and reads them: ISO 8601 in UTC with milliseconds
/// (`2026-12-07T10:00:00.000Z`), as Auth0 writes them.
public enum ManagementDates {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// A date (`2026-01-31`, midnight UTC) or a time with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()) { return date }
        return nil
    }
}
