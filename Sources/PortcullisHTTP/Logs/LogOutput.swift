import Foundation

/// Where ``PortcullisLogHandler`` writes finished lines: standard error in the server, a buffer in
/// tests.
public struct LogOutput: Sendable {
    let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// One `write(2)` per line, so lines from concurrent requests never interleave.
    public static let standardError = LogOutput { line in
        guard !line.isEmpty else { return }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
