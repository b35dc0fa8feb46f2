/// Reads the two credentials a resolve request may carry, without building dictionaries on the
/// hot path. Neither value is ever logged.
public enum CredentialHeaders {
    /// Longest `Cookie` header read; longer ones are ignored (as the hosted pages do), and the
    /// request is treated as carrying no session.
    public static let maximumCookieHeader = 8192
    public static let maximumBearerToken = 8192

    /// The first value of cookie `name` in a `Cookie` header.
    public static func cookie(named name: String, in header: String?) -> Substring? {
        guard let header, header.utf8.count <= maximumCookieHeader else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            guard trimmed.utf8.count > name.utf8.count, trimmed.utf8.starts(with: name.utf8) else { continue }
            let rest = trimmed.dropFirst(name.count)
            guard rest.first == "=" else { continue }
            var value = rest.dropFirst()
            while value.last == " " { value = value.dropLast() }
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            return value.isEmpty ? nil : value
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
