import PortcullisCore

/// The two ways Auth0's list routes answer, written once: a page (`page`, `per_page`,
/// `include_totals` → a bare array or `{start, limit, length, total, <key>}`) or a checkpoint
/// (`from`, `take` → `{<key>, next}`, `next` only when the page was full).
public enum ListAnswer {
    /// The checkpoint a request asks for, if it names `from` or `take`: the id to start after
    /// (`from`, empty meaning the start) and how many to take (1…100, default 50).
    public static func checkpoint(_ query: QueryParameters) throws(ManagementError) -> (from: String?, take: Int)? {
        guard query["from"] != nil || query["take"] != nil else { return nil }
        let take = try query.integer("take", in: 1...100) ?? 50
        return (query["from"].flatMap { $0.isEmpty ? nil : $0 }, take)
    }

    /// `{<key>: items, next}`: `next` is the last item's id when `take` items came back.
    public static func checkpoint(_ items: [JSONValue], lastID: String?, take: Int, key: String) -> ManagementResponse {
        var answer: [String: JSONValue] = [key: .array(items)]
        if items.count == take, let lastID { answer["next"] = .string(lastID) }
        return ManagementResponse(.object(answer))
    }

    /// One page the store already cut; `total` is asked for only with `include_totals`.
    public static func page(_ items: [JSONValue], _ list: ListParameters, key: String,
                            total: () async throws -> Int) async rethrows -> ManagementResponse {
        guard list.includeTotals else { return ManagementResponse(.array(items)) }
        return ManagementResponse([
            "start": .int(list.page * list.perPage), "limit": .int(list.perPage), "length": .int(items.count),
            "total": .int(try await total()), key: .array(items),
        ])
    }

    /// A page cut here from a list that is short by nature (roles of a user, enabled connections).
    public static func page(_ items: [JSONValue], _ list: ListParameters, key: String) -> ManagementResponse {
        let start = min(list.page * list.perPage, items.count)
        let page = Array(items[start..<min(start + list.perPage, items.count)])
        guard list.includeTotals else { return ManagementResponse(.array(page)) }
        return ManagementResponse([
            "start": .int(start), "limit": .int(list.perPage), "length": .int(page.count), "total": .int(items.count),
            key: .array(page),
        ])
    }
}
