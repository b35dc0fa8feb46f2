import ArgumentParser
import Foundation
import PortcullisConfig
import PortcullisStore
import PortcullisStoreSQLite

/// `portcullis backup`: a consistent copy of the SQLite database, safe to take while the server runs.
///
/// Copying the file with `cp` can miss the WAL or tear mid-write; SQLite's online backup API copies
/// one committed state. The database path comes from the configuration exactly as `serve` reads it,
/// so the command needs no path of its own on a standard install.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the database (safe while the server runs).",
        discussion: """
            The copy is checked with SQLite's integrity check before it is moved into place, and \
            an existing file is never replaced unless --force is given. To restore: stop the \
            server, copy the backup to the database path, start the server (see docs/deployment.md).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: ConfigOptions

    @Option(help: "Backup file to write.")
    var to: String

    @Option(help: "SQLite database file, overriding storage.sqlite.path.")
    var database: String?

    @Flag(help: "Replace the backup file if it exists.")
    var force = false

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() async throws {
        let loader = ConfigLoader(configDirectory: options.config, secretsPath: options.secrets)
        let (serverFile, serverIssues) = loader.loadServerConfig()
        guard let serverFile else {
            for issue in serverIssues { printError("\(issue)") }
            printError("error: configuration is invalid; no backup written")
            throw ExitCode(1)
        }
        let databasePath = database ?? serverFile.storage.sqlite.path
        let started = ContinuousClock.now
        let report: SQLiteBackupReport
        do {
            report = try SQLiteStore.backup(databaseAt: databasePath, to: to, overwrite: force,
                                            busyTimeout: serverFile.storage.sqlite.busyTimeout)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        switch format {
        case .json:
            print(Self.json(report, database: databasePath))
        case .text:
            print("backup of \(databasePath) written to \(report.path)")
            print("  size: \(report.bytes) bytes, schema: \(report.schemaVersion ?? "none"), integrity: ok, "
                + "took \(milliseconds) ms")
            for table in report.rowCounts.keys.sorted() {
                print("  \(table): \(report.rowCounts[table] ?? 0) rows")
            }
        }
    }

    private static func json(_ report: SQLiteBackupReport, database: String) -> String {
        struct Output: Encodable {
            let database: String
            let path: String
            let bytes: Int64
            let schemaVersion: String?
            let integrity: String
            let rowCounts: [String: Int]

            enum CodingKeys: String, CodingKey {
                case database, path, bytes, integrity
                case schemaVersion = "schema_version"
                case rowCounts = "row_counts"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = Output(database: database, path: report.path, bytes: report.bytes,
                            schemaVersion: report.schemaVersion, integrity: "ok", rowCounts: report.rowCounts)
        return (try? encoder.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
