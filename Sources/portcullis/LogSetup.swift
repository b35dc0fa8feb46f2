import Logging
import PortcullisCore
import PortcullisHTTP

/// Log output on standard error, as text for people or as one JSON object per line for pipelines.
enum LogSetup {
    static func bootstrap(_ settings: LoggingSettings) {
        let level = level(settings.level)
        // Request ids and tenants come from the provider, when a line is written (see RequestLogMetadata).
        LoggingSystem.bootstrap({ label, provider in
            let format: LogLineFormat = settings.format == .json ? .json : .text
            var handler = PortcullisLogHandler(label: label, format: format, metadataProvider: provider)
            handler.logLevel = level
            return handler
        }, metadataProvider: RequestLogMetadata.provider)
    }

    static func level(_ level: LoggingSettings.Level) -> Logger.Level {
        Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
