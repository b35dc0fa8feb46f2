import ArgumentParser
import PortcullisConfig

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Information about the configuration format.",
        subcommands: [SchemaCommand.self, ReferenceCommand.self])

    struct SchemaCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema", abstract: "Print the JSON Schema (draft 2020-12) of the configuration files.")

        func run() {
            print(ConfigSchema.text(), terminator: "")
        }
    }

    struct ReferenceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reference", abstract: "Print the Markdown reference of every configuration key.")

        func run() {
            print(ConfigReference.markdown(), terminator: "")
        }
    }
}
