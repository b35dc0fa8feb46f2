import Foundation
import PortcullisCore

/// Request parameters of an OAuth endpoint, from a query string, an
/// `application/x-www-form-urlencoded` body or a JSON body (Auth0 SDKs post JSON).
///
/// RFC 6749 §3.1: parameters sent without a value are treated as omitted, and a parameter must
/// not be repeated — a repeated one is remembered so the endpoint can refuse it.
public struct OAuthParameters: Sendable {
    public private(set) var values: [String: String] = [:]
    /// Names that appeared more than once.
    public private(set) var repeated: Set<String> = []

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs where !value.isEmpty {
            if values[name] != nil { repeated.insert(name) }
            values[name] = value
        }
    }

    /// Parses `a=b&c=d` with `+` as space (HTML form encoding).
    public init(formEncoded text: some StringProtocol) {
        self.init(FormEncoding.fields(text).map { ($0.name ?? "", $0.value ?? "") })
    }

    /// Parses a JSON object body; strings are kept, numbers and booleans become their text, other
    /// values are ignored. `nil` if the body is not a JSON object.
    public init?(json data: Data) {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        var pairs: [(String, String)] = []
        for (name, value) in object {
            switch value {
            case .string(let text): pairs.append((name, text))
            case .int(let number): pairs.append((name, String(number)))
            case .bool(let flag): pairs.append((name, flag ? "true" : "false"))
            default: continue
            }
        }
        self.init(pairs)
    }

    public subscript(name: String) -> String? { values[name] }

    /// The value of a parameter that must appear at most once.
    public func single(_ name: String) throws(OAuthError) -> String? {
        if repeated.contains(name) { throw .invalidRequest("the \(name) parameter must not be repeated") }
        return values[name]
    }

    /// A space-separated list parameter (`scope`, `prompt`), in order, without duplicates.
    public func list(_ name: String) -> [String] {
        var seen = Set<String>()
        return (values[name] ?? "").split(separator: " ").map(String.init).filter { seen.insert($0).inserted }
    }
}
