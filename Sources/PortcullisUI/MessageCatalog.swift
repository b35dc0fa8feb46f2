import Foundation
import Yams

/// Translated texts of the hosted pages, from `Templates/i18n/<locale>.yaml`. English is the
/// fallback for any key a locale lacks, so a partial translation never shows a raw key.
public struct MessageCatalog: Sendable {
    public static let fallbackLocale = "en"
    private let messages: [String: [String: String]]

    public var locales: [String] { messages.keys.sorted() }

    public init(messages: [String: [String: String]]) {
        self.messages = messages
    }

    /// Loads every `*.yaml` file of the directory; a file that is not a flat mapping of strings is an error.
    public init(directory: String) throws {
        var messages: [String: [String: String]] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let table = try Yams.load(yaml: text) as? [String: String] else {
                throw CatalogError.notAStringTable(path)
            }
            messages[String(name.dropLast(5))] = table
        }
        guard messages[Self.fallbackLocale] != nil else { throw CatalogError.missingFallback(directory) }
        self.messages = messages
    }

    /// All texts of a locale, completed from the fallback.
    public func table(for locale: String) -> [String: String] {
        let fallback = messages[Self.fallbackLocale] ?? [:]
        guard locale != Self.fallbackLocale, let table = messages[locale] else { return fallback }
        return fallback.merging(table) { _, translated in translated }
    }

    public func text(_ key: String, locale: String, _ arguments: [String: String] = [:]) -> String {
        var text = messages[locale]?[key] ?? messages[Self.fallbackLocale]?[key] ?? key
        for (name, value) in arguments { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The locale to use: the first supported entry of `ui_locales` (OpenID Connect, space
    /// separated, in order of preference), else the best `Accept-Language` match by q-value, else English.
    public func negotiate(uiLocales: String?, acceptLanguage: String?) -> String {
        for tag in (uiLocales ?? "").split(separator: " ") {
            if let match = supported(String(tag)) { return match }
        }
        let ranges = (acceptLanguage ?? "").split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            return (tag, quality)
        }
        for (tag, quality) in ranges.sorted(by: { $0.1 > $1.1 }) where quality > 0 {
            if let match = supported(tag) { return match }
        }
        return Self.fallbackLocale
    }

    /// `de-AT` matches `de`; matching is case-insensitive.
    private func supported(_ tag: String) -> String? {
        let lowered = tag.lowercased()
        if messages[lowered] != nil { return lowered }
        let primary = String(lowered.split(separator: "-").first ?? "")
        return messages[primary] != nil ? primary : nil
    }
}

public enum CatalogError: Error, CustomStringConvertible {
    case notAStringTable(String)
    case missingFallback(String)

    public var description: String {
        switch self {
        case .notAStringTable(let path): return "\(path) must be a mapping of message keys to strings"
        case .missingFallback(let directory): return "\(directory) has no en.yaml (the fallback locale)"
        }
    }
}
