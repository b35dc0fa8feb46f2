import Foundation

/// ISO 8601 in UTC with milliseconds (`2026-12-07T10:00:00.000Z`), as the management API, hook
/// payloads and webhook deliveries write dates.
public enum UTCTimestamp {
    /// Formatted by hand from the Unix time (civil-from-days, H. Hinnant's algorithm): a list of
    /// users formats three dates per user, and Foundation's format styles cost more than the rest
    /// of the user's JSON.
    public static func format(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, dayMilliseconds) = totalMilliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, milliseconds) = dayMilliseconds < 0 ? (days - 1, dayMilliseconds + 86_400_000) : (days, dayMilliseconds)
        let shifted = day + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int64, width: Int) {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        append(year, width: 4); text += "-"; append(month, width: 2); text += "-"; append(dayOfMonth, width: 2)
        text += "T"
        append(milliseconds / 3_600_000, width: 2); text += ":"
        append(milliseconds / 60_000 % 60, width: 2); text += ":"
        append(milliseconds / 1000 % 60, width: 2); text += "."
        append(milliseconds % 1000, width: 3); text += "Z"
        return text
    }
}
