import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Development mode: writes each message as an `.eml` file instead of sending it, so links in
/// verification and reset emails can be followed without a mail server.
///
/// Files are named `<UTC timestamp>-<message id>.eml` so a directory listing sorts by time. Each is
/// written under a hidden temporary name and renamed into place, so a watcher never reads a partial
/// file. Files are readable by the owner only: they contain live reset and verification links.
public struct DirectoryTransport: MailTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func deliver(_ message: EmailMessage) async throws {
        let now = Date()
        let contents = Data(message.rendered(at: now).utf8)
        let name = Self.fileName(for: message, at: now)
        let directory = self.directory
        // File I/O blocks; keep it off the cooperative pool that serves requests.
        try await NIOThreadPool.singleton.runIfActive {
            try Self.write(contents, named: name, in: directory)
        }
    }

    /// The path a message delivered at `date` is written to.
    public func path(for message: EmailMessage, at date: Date) -> String {
        (directory as NSString).appendingPathComponent(Self.fileName(for: message, at: date))
    }

    static func fileName(for message: EmailMessage, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let stamp = pad(p.year!, 4) + pad(p.month!, 2) + pad(p.day!, 2) + "T" + pad(p.hour!, 2) + pad(p.minute!, 2)
            + pad(p.second!, 2) + "." + pad(p.nanosecond! / 1_000_000, 3) + "Z"
        return "\(stamp)-\(message.id).eml"
    }

    private static func write(_ contents: Data, named name: String, in directory: String) throws {
        let files = FileManager.default
        try files.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = (directory as NSString).appendingPathComponent(name)
        let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp")
        guard files.createFile(atPath: temporary, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw DirectoryTransportError(directory: directory)
        }
        guard rename(temporary, target) == 0 else {
            try? files.removeItem(atPath: temporary)
            throw DirectoryTransportError(directory: directory)
        }
    }
}

/// The development mail directory could not be written (missing permissions, full disk…).
public struct DirectoryTransportError: Error, Sendable, CustomStringConvertible {
    public let directory: String
    public var description: String { "cannot write email file in \(directory)" }
}
