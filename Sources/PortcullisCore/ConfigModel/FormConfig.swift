import Foundation

/// A form a `post_login` hook may show before the login completes (progressive profiling,
/// accepting terms). Rendered by the hosted pages with the tenant's branding, in the page's language.
public struct FormConfig: ConfigObject, Hashable {
    public static let definitionName = "Form"
    public static let summary = "A form a post_login hook can ask the user to fill in before the login completes."

    /// Where the submitted values go.
    public enum Destination: String, ConfigEnum, ConfigDefault, Sendable {
        /// Only to the hook that asked for the form (its `form.values`).
        case hook
        /// Also into the user's `user_metadata`, one top-level key per field.
        case userMetadata = "user_metadata"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var name: Identifier
    public var title: LocalizedText
    public var description: LocalizedText?
    public var submitLabel: LocalizedText?
    public var saveTo: Destination
    public var fields: [FormField]
    public var source: SourceMap

    /// Bounds a page and its POST body stay well inside.
    public static let maxFields = 20

    public init(reading r: ObjectReader) {
        name = r.required("name", "Form name, unique within the tenant; a hook answers {\"action\": \"form\", \"form\": NAME}.") ?? ""
        title = r.required("title", "Heading of the page: a string, or a mapping of locale to text.") ?? ""
        description = r.optional("description", "Text shown under the heading (string or locale mapping).")
        submitLabel = r.optional("submit_label", "Label of the submit button; \"Continue\" in the page's language when absent.")
        saveTo = r.value("save_to", default: .hook,
                         "hook: the values go to the hook that asked for the form; user_metadata: they are also saved in the user's user_metadata.")
        fields = r.list("fields", "The form's fields, in display order.")
        source = r.source
        guard !r.isDescribing else { return }
        if r.has("fields"), fields.isEmpty { r.report("fields", "must have at least one field") }
        if fields.count > Self.maxFields { r.report("fields", "at most \(Self.maxFields) fields") }
        var seen: Set<String> = []
        for field in fields where !field.name.isEmpty {
            if !seen.insert(field.name).inserted { r.context.report(field.source["name"], "duplicate field name \"\(field.name)\"") }
        }
    }
}

/// One field of a ``FormConfig``.
public struct FormField: ConfigObject, Hashable {
    public static let definitionName = "FormField"
    public static let summary = "A field of a hook form."

    public enum FieldType: String, ConfigEnum, ConfigDefault, Sendable {
        case text, textarea, email, tel, url, number, date, checkbox, select
        public var defaultJSON: JSONValue { .string(rawValue) }

        /// Types whose value is free text (length and pattern apply).
        public var isText: Bool { [.text, .textarea, .email, .tel, .url].contains(self) }
    }

    public var name: String
    public var type: FieldType
    public var label: LocalizedText
    public var hint: LocalizedText?
    public var required: Bool
    public var pattern: String?
    public var minLength: Int
    public var maxLength: Int
    public var options: [FormOption]
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "Field name: the key of its value (lower-case letters, digits and '_', starting with a letter).") ?? ""
        type = r.value("type", default: .text, "text, textarea, email, tel, url, number, date (YYYY-MM-DD), checkbox (true/false) or select.")
        label = r.required("label", "Label shown with the field (string or locale mapping).") ?? ""
        hint = r.optional("hint", "Help text under the field, also shown when its pattern does not match.")
        required = r.value("required", default: false, "The form is refused without a value (a checkbox must be ticked: accepting terms).")
        pattern = r.optional("pattern", "Regular expression the whole value must match (text-like types).")
        minLength = r.integer("min_length", default: 0, in: 0...5000, "Fewest characters of a text value.")
        maxLength = r.integer("max_length", default: 500, in: 1...5000, "Most characters of a text value.")
        options = r.list("options", "The choices of a select field.")
        source = r.source
        guard !r.isDescribing else { return }
        if !name.isEmpty, !Self.isValidName(name) {
            r.report("name", "must be 1 to 64 characters: lower-case letters, digits and '_', starting with a letter")
        }
        if let pattern {
            if !type.isText { r.report("pattern", "applies only to text, textarea, email, tel and url fields") }
            if (try? NSRegularExpression(pattern: pattern)) == nil { r.report("pattern", "is not a valid regular expression") }
        }
        if minLength > maxLength { r.report("min_length", "must not be above max_length (\(maxLength))") }
        if type == .select, options.isEmpty { r.report("options", "a select field needs at least one option") }
        if type != .select, r.has("options") { r.report("options", "applies only to select fields") }
        var values: Set<String> = []
        for option in options where !values.insert(option.value).inserted {
            r.report("options", "duplicate option value \"\(option.value)\"")
        }
    }

    static func isValidName(_ text: String) -> Bool {
        guard (1...64).contains(text.utf8.count), let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// A choice of a select field.
public struct FormOption: ConfigObject, Hashable {
    public static let definitionName = "FormOption"
    public static let summary = "A choice of a select field: the value stored and its label."

    public var value: String
    public var label: LocalizedText
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        value = r.required("value", "The value submitted when this option is chosen.") ?? ""
        label = r.required("label", "The option's text (string or locale mapping).") ?? ""
        source = r.source
    }
}
