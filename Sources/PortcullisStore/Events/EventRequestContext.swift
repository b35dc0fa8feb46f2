/// The request an event came from, when it came from one: what an operator needs to trace it.
public struct EventRequestContext: Sendable, Hashable {
    /// The client's address as the server determined it (trusted proxies applied).
    public var ip: String?
    /// The `User-Agent`, cut to 512 characters.
    public var userAgent: String?
    /// The request ID the response carried in `X-Request-Id`, to join the event with the logs.
    public var requestID: String?

    public init(ip: String?, userAgent: String?, requestID: String?) {
        self.ip = ip
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.requestID = requestID
    }
}
