/// The query parameters every list route shares, as Auth0 names them: `page` (zero-based),
/// `per_page`, `include_totals`, `fields` with `include_fields`. Values are checked here, so a
/// route never sees a page size out of range or a field it does not have.
public struct ListParameters: Sendable, Hashable {
    public var page: Int
    public var perPage: Int
    public var includeTotals: Bool
    /// The fields to return (or, with `includeFields` false, to leave out); empty means all.
    public var fields: Set<String>
    public var includeFields: Bool

    /// Auth0's bounds: at most 100 per page, and search results only to the 1000th.
    public static let perPageRange = 1...100
    public static let defaultPerPage = 50
    public static let resultWindow = 1000

    /// Reads the shared parameters from `query`.
    ///
    /// - Parameter knownFields: the names `fields` may list.
    public init(_ query: QueryParameters, knownFields: Set<String>) throws(ManagementError) {
        page = try query.integer("page", in: 0...Int(Int32.max)) ?? 0
        perPage = try query.integer("per_page", in: Self.perPageRange) ?? Self.defaultPerPage
        includeTotals = try query.flag("include_totals") ?? false
        includeFields = try query.flag("include_fields") ?? true
        fields = []
        if let list = query["fields"], !list.isEmpty {
            for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard knownFields.contains(name) else {
                    throw .invalidQuery("fields: unknown field \"\(name.prefix(64))\"")
                }
                fields.insert(name)
            }
        }
        // page ≤ Int32.max and perPage ≤ 100: the product cannot overflow.
        guard (page + 1) * perPage <= Self.resultWindow else {
            throw .invalidQuery("page and per_page: results are available up to the first \(Self.resultWindow) only; narrow the query with q")
        }
    }

    /// Whether a field is in the response.
    public func includes(_ field: String) -> Bool {
        fields.isEmpty || fields.contains(field) == includeFields
    }
}

/// A request's query string, decoded once: `name → value`, the last value winning as in Auth0.
public struct QueryParameters: Sendable, Hashable {
    public var values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values
    }

    public subscript(name: String) -> String? { values[name] }

    /// An integer parameter in `range`; absent or empty is `nil`.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(ManagementError) -> Int? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidQuery("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `true` or `false`; absent or empty is `nil`.
    public func flag(_ name: String) throws(ManagementError) -> Bool? {
        guard let text = values[name], !text.isEmpty else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .invalidQuery("\(name) must be true or false")
        }
    }

    /// Refuses parameters the route does not take, so that a typo (`per-page`) is an error and
    /// not a silently ignored setting.
    public func requireOnly(_ allowed: Set<String>) throws(ManagementError) {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidQuery("unknown parameter \"\(unknown.prefix(64))\"")
        }
    }
}
