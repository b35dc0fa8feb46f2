import ArgumentParser
import PortcullisManagement

struct ApiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api", abstract: "Information about the management API.", subcommands: [OpenAPICommand.self])

    struct OpenAPICommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openapi",
            abstract: "Print the management API's OpenAPI 3.1 document (each tenant serves it at {issuer}/api/v2/openapi.json).")

        func run() {
            print(ManagementOpenAPI.text(), terminator: "")
        }
    }
}
