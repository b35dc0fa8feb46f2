import Logging

/// The request id and tenant that every log line of a request carries, held in a task local and
/// added by a `Logger.MetadataProvider` when a line is actually written.
///
/// Setting them as logger metadata instead would copy the logger (its handler and metadata) twice
/// per request — measurable on the forward-auth resolver, which logs nothing on its hot path.
public enum RequestLogMetadata {
    public struct Values: Sendable {
        public var requestID: String
        public var tenant: String?

        public init(requestID: String, tenant: String? = nil) {
            self.requestID = requestID
            self.tenant = tenant
        }
    }

    @TaskLocal public static var current: Values?

    /// Pass to `LoggingSystem.bootstrap(_:metadataProvider:)` (and to loggers made by hand).
    public static let provider = Logger.MetadataProvider {
        guard let values = current else { return [:] }
        var metadata: Logger.Metadata = ["request_id": .string(values.requestID)]
        if let tenant = values.tenant { metadata["tenant"] = .string(tenant) }
        return metadata
    }
}
