import PortcullisCore

/// Types plain scalars by the YAML 1.2 core schema. Written by hand because Yams' resolver matches
/// regular expressions per scalar, which dominated loading large configurations on Linux, and it
/// follows YAML 1.1 (`yes`, `on` as booleans), which surprises people: here `country: NO` stays a
/// string, and only `true`/`false` are booleans.
enum ScalarResolver {
    static func kind(ofPlain text: String) -> ConfigNode.ScalarKind {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE": return .bool
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return .float
        default: break
        }
        let utf8 = Array(text.utf8)
        if isInteger(utf8) { return .int }
        if isFloat(utf8) { return .float }
        return .string
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
    private static func isInteger(_ bytes: [UInt8]) -> Bool {
        if bytes.count > 2, bytes[0] == 0x30, bytes[1] == 0x6f {
            return bytes.dropFirst(2).allSatisfy { $0 >= 0x30 && $0 <= 0x37 }
        }
        if bytes.count > 2, bytes[0] == 0x30, bytes[1] == 0x78 {
            return bytes.dropFirst(2).allSatisfy { isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
        }
        let digits = bytes.first == 0x2d || bytes.first == 0x2b ? bytes.dropFirst() : bytes[...]
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        if index < bytes.count, bytes[index] == 0x2d || bytes[index] == 0x2b { index += 1 }
        var mantissaDigits = 0
        while index < bytes.count, isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        if index < bytes.count, bytes[index] == 0x2e {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { index += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.count, bytes[index] | 0x20 == 0x65 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2d || bytes[index] == 0x2b { index += 1 }
            var exponentDigits = 0
            while index < bytes.count, isDigit(bytes[index]) { index += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return index == bytes.count
    }
}
