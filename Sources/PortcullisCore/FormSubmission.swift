import Foundation

/// A hook form's POSTed fields checked against its ``FormConfig``: typed values ready for the hook
/// (and `user_metadata`), or the problem of each field that is wrong. Empty optional fields are
/// left out, so an untouched field never erases what a user's metadata already holds.
public struct FormSubmission: Sendable, Equatable {
    /// Field name → value: a string, a number (`number`), a boolean (`checkbox`).
    public var values: [String: JSONValue] = [:]
    /// Field name → what is wrong with it.
    public var problems: [String: Problem] = [:]

    public var isValid: Bool { problems.isEmpty }

    public enum Problem: Error, Sendable, Equatable {
        case required, tooShort(Int), tooLong(Int), pattern, email, url, tel, number, date, option, characters

        /// The hosted pages' message key (`Templates/i18n`), with its argument.
        public var messageKey: String {
            switch self {
            case .required: "form_error_required"
            case .tooShort: "form_error_too_short"
            case .tooLong: "form_error_too_long"
            case .pattern: "form_error_pattern"
            case .email: "form_error_email"
            case .url: "form_error_url"
            case .tel: "form_error_tel"
            case .number: "form_error_number"
            case .date: "form_error_date"
            case .option: "form_error_option"
            case .characters: "form_error_characters"
            }
        }

        public var arguments: [String: String] {
            switch self {
            case .tooShort(let count): ["min": String(count)]
            case .tooLong(let count): ["max": String(count)]
            default: [:]
            }
        }
    }

    public init(form: FormConfig, fields: [String: String]) {
        for field in form.fields {
            let raw = fields[field.name] ?? ""
            if field.type == .checkbox {
                let ticked = Self.isTicked(raw)
                if field.required, !ticked { problems[field.name] = .required } else { values[field.name] = .bool(ticked) }
                continue
            }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty {
                if field.required { problems[field.name] = .required }
                continue
            }
            switch Self.check(text, field: field) {
            case .success(let value): values[field.name] = value
            case .failure(let problem): problems[field.name] = problem
            }
        }
    }

    private static func check(_ text: String, field: FormField) -> Result<JSONValue, Problem> {
        // Control characters (other than a textarea's line breaks and tabs) have no place in a profile.
        let allowed: Set<Unicode.Scalar> = field.type == .textarea ? ["\n", "\r", "\t"] : []
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            return .failure(.characters)
        }
        if field.type.isText {
            if text.count < field.minLength { return .failure(.tooShort(field.minLength)) }
            if text.count > field.maxLength { return .failure(.tooLong(field.maxLength)) }
        }
        switch field.type {
        case .email where !isEmail(text): return .failure(.email)
        case .url where !isWebURL(text): return .failure(.url)
        case .tel where !isPhoneNumber(text): return .failure(.tel)
        case .number:
            guard text.count <= 32, let number = Double(text), number.isFinite else { return .failure(.number) }
            if number == number.rounded(), abs(number) < 1e15 { return .success(.int(Int(number))) }
            return .success(.double(number))
        case .date:
            return isDate(text) ? .success(.string(text)) : .failure(.date)
        case .select:
            return field.options.contains(where: { $0.value == text }) ? .success(.string(text)) : .failure(.option)
        default: break
        }
        if let pattern = field.pattern, !matchesWhole(text, pattern: pattern) { return .failure(.pattern) }
        return .success(.string(text))
    }

    /// Whether a checkbox's submitted value means ticked (browsers send `on`).
    public static func isTicked(_ raw: String) -> Bool { ["on", "true", "1", "yes"].contains(raw.lowercased()) }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains { $0.isWhitespace }
    }

    static func isWebURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else { return false }
        return true
    }

    static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.filter(\.isNumber).count
        return (3...20).contains(digits) && text.utf8.count <= 32
            && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || "+ ()./-".unicodeScalars.contains($0) }
    }

    /// `YYYY-MM-DD`, a real calendar day.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// The whole value must match, as HTML's `pattern` attribute requires.
    static func matchesWhole(_ text: String, pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
