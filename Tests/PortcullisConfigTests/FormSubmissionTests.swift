import Foundation
import PortcullisCore
import Testing

@Suite("Hook forms: submitted values checked against the form")
struct FormSubmissionTests {
    /// A configuration node from Swift values (strings, integers, booleans, lists, ordered pairs).
    static func node(_ value: Any) -> ConfigNode {
        let at = ConfigNode.Position(line: 1, column: 1)
        switch value {
        case let text as String: return .scalar(text, .string, at)
        case let flag as Bool: return .scalar(flag ? "true" : "false", .bool, at)
        case let number as Int: return .scalar(String(number), .int, at)
        case let pairs as KeyValuePairs<String, Any>: return .mapping(pairs.map { (node($0.key), node($0.value)) }, at)
        case let items as [Any]: return .sequence(items.map(node), at)
        default: fatalError("unsupported \(value)")
        }
    }

    static let form: FormConfig = {
        let context = ReadContext(file: "test.yaml")
        let form = FormConfig.read(node([
            "name": "profile", "title": ["en": "Profile", "de": "Profil"] as KeyValuePairs<String, Any>,
            "fields": [
                ["name": "company", "label": "Company", "required": true, "pattern": "[A-Z][a-z]+", "min_length": 2,
                 "max_length": 10] as KeyValuePairs<String, Any>,
                ["name": "email", "type": "email", "label": "Email"] as KeyValuePairs<String, Any>,
                ["name": "site", "type": "url", "label": "Site"] as KeyValuePairs<String, Any>,
                ["name": "phone", "type": "tel", "label": "Phone"] as KeyValuePairs<String, Any>,
                ["name": "seats", "type": "number", "label": "Seats"] as KeyValuePairs<String, Any>,
                ["name": "born", "type": "date", "label": "Born"] as KeyValuePairs<String, Any>,
                ["name": "plan", "type": "select", "label": "Plan",
                 "options": [["value": "free", "label": "Free"] as KeyValuePairs<String, Any>]] as KeyValuePairs<String, Any>,
                ["name": "notes", "type": "textarea", "label": "Notes"] as KeyValuePairs<String, Any>,
                ["name": "terms", "type": "checkbox", "label": "Terms", "required": true] as KeyValuePairs<String, Any>,
                ["name": "news", "type": "checkbox", "label": "News"] as KeyValuePairs<String, Any>,
            ] as [Any],
        ] as KeyValuePairs<String, Any>), path: "forms[0]", in: context)
        precondition(context.issues.isEmpty, "\(context.issues)")
        return form!
    }()

    @Test func validValuesAreTypedAndEmptyOptionalFieldsLeftOut() {
        let submission = FormSubmission(form: Self.form, fields: [
            "company": "  Acme ", "email": "a@acme.test", "site": "https://acme.test/x", "phone": "+49 (30) 123-45",
            "seats": "12", "born": "2000-02-29", "plan": "free", "notes": "line one\nline two", "terms": "on",
            "unknown": "ignored",
        ])
        #expect(submission.problems == [:])
        #expect(submission.values == [
            "company": "Acme", "email": "a@acme.test", "site": "https://acme.test/x", "phone": "+49 (30) 123-45",
            "seats": 12, "born": "2000-02-29", "plan": "free", "notes": "line one\nline two", "terms": true, "news": false,
        ])
        #expect(FormSubmission(form: Self.form, fields: ["company": "Acme", "terms": "on", "seats": "2.5"]).values["seats"] == .double(2.5))
    }

    @Test func eachWrongValueHasItsProblem() {
        let submission = FormSubmission(form: Self.form, fields: [
            "email": "not-an-email", "site": "ftp://acme.test", "phone": "call me", "seats": "many",
            "born": "2001-02-29", "plan": "gold", "notes": "bell\u{07}",
        ])
        #expect(submission.problems == [
            "company": .required, "email": .email, "site": .url, "phone": .tel, "seats": .number, "born": .date,
            "plan": .option, "notes": .characters, "terms": .required,
        ])
        #expect(FormSubmission(form: Self.form, fields: ["company": "acme", "terms": "on"]).problems == ["company": .pattern],
                "the pattern must match the whole value")
        #expect(FormSubmission(form: Self.form, fields: ["company": "A", "terms": "on"]).problems == ["company": .tooShort(2)])
        #expect(FormSubmission(form: Self.form, fields: ["company": "Abcdefghijk", "terms": "on"]).problems == ["company": .tooLong(10)])
        #expect(FormSubmission(form: Self.form, fields: ["company": "Acme\u{0}", "terms": "on"]).problems == ["company": .characters])
    }

    @Test func localizedTextFallsBackFromRegionToLanguageToEnglish() {
        let text = LocalizedText(["en": "Company", "de": "Firma", "de-at": "Firma (AT)"])
        #expect(text.text(for: "de-AT") == "Firma (AT)")
        #expect(text.text(for: "de-CH") == "Firma")
        #expect(text.text(for: "fr") == "Company")
        #expect(LocalizedText(["fr": "Société"]).text(for: "de") == "Société")
        #expect(Self.form.title.text(for: "de") == "Profil")
    }
}
