import ArgumentParser

@main
struct PortcullisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Portcullis: a declarative, config-driven identity provider.",
        version: PortcullisVersion.current,
        subcommands: [
            ServeCommand.self, CheckConfigCommand.self, ConfigCommand.self, BackupCommand.self, UsersCommand.self,
            RolesCommand.self,
            PermissionsCommand.self,
            OrgsCommand.self,
            AccessCommand.self,
            ApiCommand.self,
            VersionCommand.self,
        ]
    )
}

enum PortcullisVersion {
    static let current = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("portcullis \(PortcullisVersion.current)")
    }
}

/// `--config` and `--secrets`, shared by every command that reads configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration directory (portcullis.yaml and tenants/*.yaml).")
    var config: String = "config"

    @Option(name: .long, help: "Secrets file.")
    var secrets: String = "secrets.yaml"

    /// Using the shipped example secrets outside development is the classic way to ship a known key.
    var usesExampleSecrets: Bool {
        (secrets as NSString).lastPathComponent == "secrets.example.yaml"
    }
}

import Foundation
