/// Reads the two credentials a resolve request may carry, without building dictionaries on the
/// hot path. Neither value is ever logged.
public enum CredentialHeaders {
    /// Longest `Cookie` header read; longer ones are ignored (as the hosted pages do), and the
    /// request is treated as carrying no session.
    public static let maximumCookieHeader = 8192
    public static let maximumBearerToken = 8192

    /// The first value of cookie `name` in a `Cookie` header. Walks the bytes once, without
    /// splitting into an array: this runs on every resolve.
    public static func cookie(named name: String, in header: String?) -> Substring? {
        guard let header, header.utf8.count <= maximumCookieHeader else { return nil }
        let bytes = header.utf8
        let semicolon = UInt8(ascii: ";"), space = UInt8(ascii: " "), quote = UInt8(ascii: "\"")
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: semicolon) ?? bytes.endIndex
            var nameStart = start
            while nameStart < end, bytes[nameStart] == space { bytes.formIndex(after: &nameStart) }
            if bytes[nameStart..<end].starts(with: name.utf8) {
                let equals = bytes.index(nameStart, offsetBy: name.utf8.count)
                if equals < end, bytes[equals] == UInt8(ascii: "=") {
                    var valueStart = bytes.index(after: equals), valueEnd = end
                    while valueEnd > valueStart, bytes[bytes.index(before: valueEnd)] == space {
                        bytes.formIndex(before: &valueEnd)
                    }
                    if bytes.distance(from: valueStart, to: valueEnd) >= 2, bytes[valueStart] == quote,
                       bytes[bytes.index(before: valueEnd)] == quote {
                        bytes.formIndex(after: &valueStart)
                        bytes.formIndex(before: &valueEnd)
                    }
                    return valueStart < valueEnd ? header[valueStart..<valueEnd] : nil
                }
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return nil
    }

    /// The token of an `Authorization: Bearer …` header.
    public static func bearerToken(in header: String?) -> Substring? {
        guard let header, header.utf8.count <= maximumBearerToken + 7, header.utf8.count > 7 else { return nil }
        let scheme = header.prefix(7)
        guard scheme.lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).drop { $0 == " " }
        return token.isEmpty ? nil : token
    }
}
