import Foundation
import PortcullisCore
import Testing

/// The hand-written serializer writes exactly what JSONEncoder writes with sorted keys and
/// unescaped slashes, for every kind of value, escapes included.
@Suite("Compact JSON")
struct JSONSerializationTests {
    static let values: [JSONValue] = [
        .null, true, false, 0, -42, .int(Int.max), .double(1.5), .double(-0.25), .double(1e-7),
        "", "plain", "quote \" backslash \\ slash / tab \t newline \n return \r", "\u{01}\u{1F}\u{7F}", "é ü 漢字 🙂",
        [], [1, "two", .null, [true]], [:],
        ["b": 1, "a": ["z": "last", "m": [1, 2]], "": "empty key", "A": "upper before lower"],
    ]

    @Test(arguments: values)
    func matchesJSONEncoder(_ value: JSONValue) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(String(decoding: value.compactData, as: UTF8.self) == expected)
        #expect(try JSONDecoder().decode(JSONValue.self, from: value.compactData) == value)
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(String(decoding: JSONValue.double(.infinity).compactData, as: UTF8.self) == "null")
    }
}
