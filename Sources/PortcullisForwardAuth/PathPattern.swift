import Foundation
import PortcullisCore

/// A compiled path condition. Regular expressions are compiled once per configuration snapshot,
/// never per request; globs are turned into a small token list.
public enum PathPattern: Sendable {
    case prefix(String)
    case glob(GlobPattern)
    /// Anchored to the whole path when compiled (see ``init(_:)``).
    case regex(NSRegularExpression)

    /// Compiles a validated configuration entry; `nil` only if the entry names none of the three
    /// (validation has refused such a configuration).
    public init?(_ config: PathMatcherConfig) {
        if let prefix = config.prefix {
            self = .prefix(prefix)
        } else if let glob = config.glob {
            self = .glob(GlobPattern(glob))
        } else if let regex = config.regex,
                  let compiled = try? NSRegularExpression(pattern: "\\A(?:" + regex + ")\\z") {
            self = .regex(compiled)
        } else {
            return nil
        }
    }

    /// Whether the normalized request path (see ``RequestPath``) matches.
    public func matches(_ path: String) -> Bool {
        switch self {
        case .prefix(let prefix):
            return path.utf8.starts(with: prefix.utf8)
        case .glob(let glob):
            return glob.matches(path)
        case .regex(let expression):
            let text = path as NSString
            return expression.firstMatch(in: path, range: NSRange(location: 0, length: text.length)) != nil
        }
    }
}

/// Shell-style path pattern: `*` matches within one segment (no `/`), `**` across segments, `?`
/// one character other than `/`; everything else literally.
public struct GlobPattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal([UInt8])
        case anyInSegment
        case anyAcrossSegments
        case oneCharacter
    }

    let tokens: [Token]

    public init(_ pattern: String) {
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var bytes = pattern.utf8[...]
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] }
        }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "*"):
                flush()
                if bytes.first == UInt8(ascii: "*") {
                    bytes.removeFirst()
                    while bytes.first == UInt8(ascii: "*") { bytes.removeFirst() }
                    tokens.append(.anyAcrossSegments)
                } else {
                    tokens.append(.anyInSegment)
                }
            case UInt8(ascii: "?"):
                flush()
                tokens.append(.oneCharacter)
            default:
                literal.append(byte)
            }
        }
        flush()
        self.tokens = tokens
    }

    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { Self.match(tokens[...], $0[...]) }
    }

    /// Backtracking over the tokens; patterns come from configuration and are short, and a `*`
    /// only tries positions up to the next `/`, so the work stays small.
    private static func match(_ tokens: ArraySlice<Token>, _ text: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let token = tokens.first else { return text.isEmpty }
        let rest = tokens.dropFirst()
        switch token {
        case .literal(let bytes):
            guard text.starts(with: bytes) else { return false }
            return match(rest, text.dropFirst(bytes.count))
        case .oneCharacter:
            guard let first = text.first, first != UInt8(ascii: "/") else { return false }
            return match(rest, text.dropFirst())
        case .anyInSegment, .anyAcrossSegments:
            let crossesSlash = token == .anyAcrossSegments
            var index = text.startIndex
            while true {
                if match(rest, text[index...]) { return true }
                guard index < text.endIndex, crossesSlash || text[index] != UInt8(ascii: "/") else { return false }
                index += 1
            }
        }
    }
}
