import Foundation
import Logging

/// How ``PortcullisLogHandler`` lays out a line.
public enum LogLineFormat: Sendable {
    /// `time level label: key=value … [source] message`, the layout of swift-log's `StreamLogHandler`.
    case text
    /// One JSON object: `time`, `level`, `label`, `message` and the metadata, all as strings.
    case json

    /// UTC with milliseconds and the `Z`: `2026-11-23T18:47:51.120Z`.
    private static let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    func line(label: String, level: Logger.Level, metadata: Logger.Metadata, source: String, message: String)
        -> String
    {
        let time = Date().formatted(Self.time)
        switch self {
        case .text:
            var line = time + " " + level.rawValue + " " + label + ":"
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                line += " " + key + "=" + value.description
            }
            return line + " [" + source + "] " + message + "\n"
        case .json:
            var object = metadata.mapValues(\.description)
            object["time"] = time
            object["level"] = level.rawValue
            object["label"] = label
            object["message"] = message
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(object) else { return "" }
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }
}
