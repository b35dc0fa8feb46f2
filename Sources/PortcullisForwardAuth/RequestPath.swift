/// The path rules are matched against, in the form the application behind the proxy will most
/// likely see: percent-decoded, dot segments removed, repeated slashes collapsed. Matching the raw
/// path would let `/public/../admin/` or `/%61dmin/` slip past a rule on `/admin/`.
public enum RequestPath {
    /// The normalized path of `target` (`/path?query`), or `nil` when it is not a usable path: not
    /// starting with `/`, a broken or NUL percent-escape, or bytes that are not UTF-8.
    public static func normalize(_ target: Substring) -> String? {
        let end = target.utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? target.endIndex
        let path = target[..<end]
        guard path.utf8.first == UInt8(ascii: "/") else { return nil }
        if !needsWork(path.utf8) { return String(path) }
        guard let decoded = percentDecoded(path.utf8) else { return nil }
        var segments: [ArraySlice<UInt8>] = []
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        var result: [UInt8] = []
        result.reserveCapacity(decoded.count)
        for segment in segments {
            result.append(UInt8(ascii: "/"))
            result.append(contentsOf: segment)
        }
        // A trailing slash is meaningful to prefix rules (`/admin/`); keep it.
        if decoded.last == UInt8(ascii: "/") || result.isEmpty { result.append(UInt8(ascii: "/")) }
        return String(validating: result, as: UTF8.self)
    }

    /// Fast path: most paths have no escapes, dot segments or doubled slashes.
    private static func needsWork(_ bytes: Substring.UTF8View) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "%") || byte >= 0x80 || byte == 0 { return true }
            if previous == UInt8(ascii: "/"), byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") { return true }
            previous = byte
        }
        return false
    }

    private static func percentDecoded(_ bytes: Substring.UTF8View) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                guard byte != 0 else { return nil }
                output.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            let decoded = high << 4 | low
            guard decoded != 0 else { return nil }
            output.append(decoded)
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
