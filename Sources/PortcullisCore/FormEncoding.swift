import Foundation

/// `application/x-www-form-urlencoded` (the WHATWG URL standard's form encoding): hosted-page forms,
/// OAuth requests, query strings and the redirects that carry them. One implementation, so every
/// endpoint reads `+` and `%XX` alike and writes only what it must escape.
public enum FormEncoding {
    /// The `name=value` pairs of `text` in order, decoded; `nil` where a part is not valid
    /// percent-encoded UTF-8, and a `nil` value where the pair has no `=`. Callers decide what an
    /// undecodable or repeated field means for them.
    public static func fields(_ text: some StringProtocol) -> [(name: String?, value: String?)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : nil)
        }
    }

    /// One decoded component: `+` is a space, then percent-decoding.
    public static func decode(_ text: some StringProtocol) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// `text` with everything but RFC 3986 unreserved characters percent-encoded: safe in a query
    /// value and in a form field, whatever the reader.
    public static func percentEncoded(_ text: String) -> String? {
        text.addingPercentEncoding(withAllowedCharacters: unreserved)
    }

    /// `name=value&…` with both sides percent-encoded.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { (percentEncoded($0.0) ?? "") + "=" + (percentEncoded($0.1) ?? "") }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
