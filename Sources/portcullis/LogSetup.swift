import Foundation
import Logging
import PortcullisCore

/// Log output on standard error, as text for people or as one JSON object per line for pipelines.
enum LogSetup {
    static func bootstrap(_ settings: LoggingSettings) {
        let level = level(settings.level)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch settings.format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }

    static func level(_ level: LoggingSettings.Level) -> Logger.Level {
        Logger.Level(rawValue: level.rawValue) ?? .info
    }
}

/// One JSON object per line: `time`, `level`, `label`, `message` and the metadata as strings.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = "\(value)"
        }
        object["time"] = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = "\(event.message)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(object) else { return }
        data.append(0x0a)
        FileHandle.standardError.write(data)
    }
}
