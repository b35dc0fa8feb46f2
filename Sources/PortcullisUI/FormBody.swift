import Foundation
import PortcullisCore

/// `application/x-www-form-urlencoded` bodies (HTML forms). The caller bounds the body size before
/// parsing; duplicate fields keep their first value so a field cannot be overridden by repetition.
public enum FormBody {
    public static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for field in FormEncoding.fields(text) {
            guard let name = field.name, !name.isEmpty else { continue }
            if fields[name] == nil { fields[name] = field.value ?? "" }
        }
        return fields
    }
}
