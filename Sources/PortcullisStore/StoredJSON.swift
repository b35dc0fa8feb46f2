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

    /// `patch`'s top-level keys written over `stored`'s (Auth0's metadata merge; `null` removes a
    /// key), both texts of JSON objects; for merges that must happen inside a store transaction.
    package static func mergeTopLevel(_ patch: String, into stored: String, field: String) throws(StoreError) -> String {
        guard let base = (try? JSONSerialization.jsonObject(with: Data(stored.utf8))) as? [String: Any],
              let changes = (try? JSONSerialization.jsonObject(with: Data(patch.utf8))) as? [String: Any] else {
            throw .invalidInput("\(field) must be the text of a JSON object")
        }
        var merged = base
        for (key, value) in changes {
            if value is NSNull { merged[key] = nil } else { merged[key] = value }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw .invalidInput("\(field) cannot be encoded as JSON")
        }
        return String(decoding: data, as: UTF8.self)
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
