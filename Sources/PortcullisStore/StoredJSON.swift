import Foundation

/// The JSON text the store keeps for user metadata and session `amr` values.
package enum StoredJSON {
    /// Throws unless `text` is a JSON object. Metadata is kept as the caller wrote it, but a value
    /// that is not an object would break every reader later, so it is refused up front. `field`
    /// names the field, never its content, which may be personal data.
    package static func requireObject(_ text: String, field: String) throws(StoreError) {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        guard parsed is [String: Any] else {
            throw .invalidInput("\(field) must be the text of a JSON object")
        }
    }

    /// A JSON array of strings, e.g. `["pwd","mfa"]`.
    package static func encode(strings: [String], field: String) throws(StoreError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(strings), as: UTF8.self)
        } catch {
            throw .invalidInput("\(field) cannot be encoded as JSON")
        }
    }

    package static func decodeStrings(_ text: String, field: String) throws(StoreError) -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw .corruptRecord("\(field) is not a JSON array of strings")
        }
    }
}
