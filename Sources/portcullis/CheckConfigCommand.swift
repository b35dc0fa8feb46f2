import ArgumentParser
import Foundation
import PortcullisConfig
import PortcullisCore

/// Validates configuration exactly as `serve` would, without a database: what GitOps CI runs on
/// every commit to the configuration repository.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate configuration; exit 0 when valid, 1 when not.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var options: ConfigOptions

    @Option(help: "Output format: text (FILE:LINE:COLUMN PATH: message) or json.")
    var format: Format = .text

    func run() async throws {
        let loader = ConfigLoader(configDirectory: options.config, secretsPath: options.secrets)
        let result = await loader.load(generation: 1)
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(result.issues)) ?? Data("[]".utf8)
            print(String(decoding: data, as: UTF8.self))
        case .text:
            for issue in result.issues { print(issue) }
            for warning in result.warnings { printError("warning: \(warning)") }
            if let snapshot = result.snapshot {
                let clients = snapshot.tenants.reduce(0) { $0 + $1.config.clients.count }
                printError("OK: \(options.config) is valid (\(snapshot.tenants.count) tenants, \(clients) clients)")
            } else {
                printError("\(result.issues.count) problem\(result.issues.count == 1 ? "" : "s") found")
            }
        }
        if result.snapshot == nil { throw ExitCode(1) }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
