import Foundation
import PortcullisManagement
import Testing

@Suite("Management API dates")
struct ManagementDatesTests {
    /// Expected texts from Python's datetime (an independent implementation): leap days, century
    /// years, millisecond edges, before 1970 and the last representable year.
    @Test(arguments: [
        (0, "1970-01-01T00:00:00.000Z"), (999, "1970-01-01T00:00:00.999Z"), (1000, "1970-01-01T00:00:01.000Z"),
        (951_782_400_500, "2000-02-29T00:00:00.500Z"), (1_767_225_599_999, "2025-12-31T23:59:59.999Z"),
        (4_102_444_800_001, "2100-01-01T00:00:00.001Z"), (-1500, "1969-12-31T23:59:58.500Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"), (1_709_208_000_123, "2024-02-29T12:00:00.123Z"),
    ] as [(Int64, String)])
    func formats(_ milliseconds: Int64, _ expected: String) {
        // Milliseconds as the store keeps them: exact binary fractions are not, so build the date
        // the way the store reads one back.
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        #expect(ManagementDates.format(date) == expected)
    }

    @Test func parsesWhatItFormatsToTheMillisecond() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let milliseconds = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            let text = ManagementDates.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let parsed = ManagementDates.parse(text)
            #expect(parsed.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds, "\(text)")
        }
        #expect(ManagementDates.parse("2026-01-31").map(ManagementDates.format) == "2026-01-31T00:00:00.000Z")
        #expect(ManagementDates.parse("yesterday") == nil)
    }
}
