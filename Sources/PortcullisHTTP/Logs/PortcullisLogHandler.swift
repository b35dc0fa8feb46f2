import Logging

/// The server's log handler: one line per event, as text for people or JSON for pipelines.
///
/// Written here rather than using swift-log's `StreamLogHandler` because that handler re-renders
/// all of its metadata every time one key is set, and Hummingbird sets a request id on every
/// request's logger: a cost on every request, including the resolver's, which never logs on its hot
/// path. This one only stores metadata and renders it when a line is written.
public struct PortcullisLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let format: LogLineFormat
    let output: LogOutput

    public init(label: String, format: LogLineFormat, metadataProvider: Logger.MetadataProvider? = nil,
                output: LogOutput = .standardError) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // swift-log's precedence: the logger's own metadata, then the provider's (request id,
        // tenant), then the call's.
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        output.write(format.line(label: label, level: event.level, metadata: merged, source: event.source,
                                 message: event.message.description))
    }
}
