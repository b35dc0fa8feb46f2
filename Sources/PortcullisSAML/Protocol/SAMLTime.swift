import Foundation

/// `xs:dateTime` in UTC, as SAML writes instants (saml-core §1.3.3): we write whole seconds with
/// `Z`; we read what SPs send, with or without fractional seconds, with `Z` or an offset.
public enum SAMLTime {
    public static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    public static func date(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let strategies: [Date.ISO8601FormatStyle] = [
            .iso8601, Date.ISO8601FormatStyle(includingFractionalSeconds: true),
        ]
        for style in strategies { if let date = try? style.parse(text) { return date } }
        return nil
    }

    /// A fresh SAML ID: `_` (an NCName must not start with a digit) and 160 random bits in hex.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "_" + (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
