import Foundation

/// The text form of ``AuditEvent/details`` in a store: a JSON object of strings.
///
/// Keys are sorted so the same details always produce the same text (diffable exports, stable
/// tests); slashes are not escaped so URLs stay readable in the sqlite3 shell.
package enum AuditEventDetailsJSON {
    package static func encode(_ details: [String: String]) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(details), as: UTF8.self)
        } catch {
            throw .invalidInput("audit event details cannot be encoded as JSON")
        }
    }

    package static func decode(_ text: String, eventID: String) throws(StoreError) -> [String: String] {
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw .corruptRecord("audit event \(eventID) has details that are not a JSON object of strings")
        }
    }
}
