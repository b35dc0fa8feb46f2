import Metrics
import Synchronization

/// Per-request metrics with their handles cached: creating swift-metrics handles on every request
/// would look each up in the factory (label formatting, a lock, dictionary hashing) twice per response.
final class RequestMetrics: Sendable {
    static let shared = RequestMetrics()

    private struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Handles: @unchecked Sendable {
        // swift-metrics handles are thread-safe reference types; they are not marked Sendable.
        let requests: Counter
        let duration: Timer
    }

    private let handles = Mutex<[Key: Handles]>([:])

    /// Methods outside this set are counted as OTHER, so a client cannot grow the label set at will.
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func record(method rawMethod: String, route: String, status: Int, nanoseconds: Int64) {
        let method = Self.knownMethods.contains(rawMethod) ? rawMethod : "OTHER"
        let key = Key(method: method, route: route, status: status)
        let found = handles.withLock { cache -> Handles in
            if let existing = cache[key] { return existing }
            let created = Handles(
                requests: Counter(label: PortcullisMetrics.httpRequests,
                                  dimensions: [("method", method), ("route", route), ("status", String(status))]),
                duration: Timer(label: PortcullisMetrics.httpDuration, dimensions: [("route", route)]))
            cache[key] = created
            return created
        }
        found.requests.increment()
        found.duration.recordNanoseconds(nanoseconds)
    }
}
