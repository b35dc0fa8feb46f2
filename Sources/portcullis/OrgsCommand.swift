import ArgumentParser
import Foundation
import PortcullisAccounts
import PortcullisStore

struct OrgsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orgs", abstract: "Create, list and delete organizations, and manage their members.",
        subcommands: [Create.self, Delete.self, List.self, AddMember.self, RemoveMember.self, Members.self])

    /// `--config`, `--secrets`, `--database` and `--tenant`: what every orgs command starts from.
    struct TenantOptions: ParsableArguments {
        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String

        func open() async throws -> AdminContext {
            let admin = try await AdminContext.open(options, database: database)
            _ = try admin.tenant(tenant)
            return admin
        }
    }

    /// ``TenantOptions`` and `--name`: the organization a command works on.
    struct OrganizationOptions: ParsableArguments {
        @OptionGroup var scope: TenantOptions
        @Option(help: "Organization name or id.") var name: String

        var tenant: String { scope.tenant }

        func open() async throws -> (AdminContext, Organization) {
            let admin = try await scope.open()
            return (admin, try await admin.organization(tenant: scope.tenant, name))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization and print its id.",
            discussion: """
                Only the connections enabled for an organization can log in to it. Without --connection, \
                every connection of the tenant is enabled; name some to enable only those.
                """)

        @OptionGroup var scope: TenantOptions
        @Option(help: "Name: 1 to 50 lowercase letters, digits, '-' or '_', unique in the tenant.") var name: String
        @Option(help: "Name shown to people.") var displayName: String?
        @Option(name: .customLong("connection"), help: "A connection to enable (repeat for several).") var connections: [String] = []

        func run() async throws {
            guard Organization.isValidName(name) else {
                printError("error: \"\(name)\" is not a valid organization name: use 1 to 50 lowercase letters, digits, '-' or '_'")
                throw ExitCode(1)
            }
            let admin = try await scope.open()
            let tenant = try admin.tenant(scope.tenant)
            let names = connections.isEmpty ? tenant.config.connections.map(\.name.value) : connections
            do {
                let (organization, _) = try await OrganizationService(storage: admin.storage).create(
                    OrganizationFields(name: name, displayName: displayName.map { .some($0) }),
                    connections: names.map { ($0, OrganizationConnectionOptions()) },
                    in: tenant.config, by: AdminContext.actor)
                print(organization.id)
            } catch let failure as OrganizationFailure {
                printError("error: " + failure.line(tenant: scope.tenant))
                throw ExitCode(1)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an organization with its memberships and the roles given in it.")

        @OptionGroup var selection: OrganizationOptions

        func run() async throws {
            let (admin, organization) = try await selection.open()
            let tenant = try admin.tenant(selection.tenant)
            let members = try await OrganizationService(storage: admin.storage)
                .delete(id: organization.id, in: tenant.config, by: AdminContext.actor)
            print("deleted organization \(organization.name) (\(organization.id)) and its \(members) membership\(members == 1 ? "" : "s")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tenant's organizations: name, id and display name, tab-separated, by name.")

        @OptionGroup var scope: TenantOptions

        func run() async throws {
            let admin = try await scope.open()
            for organization in try await admin.storage.organizations(tenantID: scope.tenant) {
                print([organization.name, organization.id, organization.displayName ?? ""].joined(separator: "\t"))
            }
        }
    }
}
