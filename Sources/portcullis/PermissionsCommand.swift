import ArgumentParser
import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisStore

struct PermissionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permissions", abstract: "Give users permissions (an API's scopes) directly, without a role.",
        subcommands: [Grant.self, Revoke.self, List.self])

    /// `--config`, `--secrets`, `--database`, `--tenant`, `--connection` and `--email`: the user
    /// every permissions command works on.
    struct UserOptions: ParsableArguments {
        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Database connection of the user (default: the tenant's first).") var connection: String?
        @Option(help: "The user's email address.") var email: String

        func resolve() async throws -> (AdminContext, User) {
            let admin = try await AdminContext.open(options, database: database)
            return (admin, try await admin.user(tenant: tenant, email: email, connection: connection))
        }
    }

    /// What `grant` and `revoke` name: one user and one scope of one API.
    struct Selection: ParsableArguments {
        @OptionGroup var user: UserOptions
        @Option(help: "The API's identifier, as under `resource_servers:` in the tenant's configuration.") var api: String
        @Option(help: "One of the API's scope values.") var permission: String

        var tenant: String { user.tenant }

        func resolve() async throws -> (AdminContext, User) { try await user.resolve() }

        func event(_ kind: DomainEventKind, _ user: User) -> DomainEvent {
            DomainEvent(kind, tenantID: user.tenantID, subject: .user(user.id), actor: AdminContext.actor,
                        details: ["resource_server": api, "permission": permission])
        }

        /// Refuses an API the tenant does not define, or a scope the API does not, naming the valid ones.
        func requireDefined(in tenant: Tenant) throws {
            let apis = tenant.config.resourceServers
            guard let api = apis.first(where: { $0.identifier.value == self.api }) else {
                printError("error: no API \"\(self.api)\" in tenant \(tenant.id) ("
                    + (apis.isEmpty ? "it defines none; add them under `resource_servers:` in its configuration file"
                                    : "APIs: \(apis.map(\.identifier.value).joined(separator: ", "))") + ")")
                throw ExitCode(1)
            }
            let scopes = api.scopes.map(\.value)
            guard scopes.contains(permission) else {
                printError("error: no scope \"\(permission)\" on API \(self.api) ("
                    + (scopes.isEmpty ? "it defines none; add them under its `scopes:`"
                                      : "scopes: \(scopes.joined(separator: ", "))") + ")")
                throw ExitCode(1)
            }
        }

        /// "read:orders on https://api.acme.test", for messages.
        var what: String { "\(permission) on \(api)" }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a permission. Granting one the user already has changes nothing.")

        @OptionGroup var selection: Selection

        func run() async throws {
            let (admin, user) = try await selection.resolve()
            try selection.requireDefined(in: admin.tenant(selection.tenant))
            let isNew = try await admin.storage.grantPermission(
                tenantID: user.tenantID, userID: user.id, resourceServer: selection.api,
                permission: selection.permission, at: Date(), events: [selection.event(.permissionGranted, user)])
            print(isNew ? "granted \(selection.what) to \(user.email)"
                        : "\(user.email) already has \(selection.what); nothing changed")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a permission away from a user. One the user does not have changes nothing.")

        @OptionGroup var selection: Selection

        func run() async throws {
            let (admin, user) = try await selection.resolve()
            let removed = try await admin.storage.revokePermission(
                tenantID: user.tenantID, userID: user.id, resourceServer: selection.api, permission: selection.permission,
                events: [selection.event(.permissionRevoked, user)])
            if removed {
                print("revoked \(selection.what) from \(user.email)")
                return
            }
            // A grant whose API or scope left the configuration can still be revoked (above); an
            // unknown one that the user does not hold is most likely a typo.
            try selection.requireDefined(in: admin.tenant(selection.tenant))
            print("\(user.email) does not have \(selection.what); nothing changed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's direct permissions: one per line, the API, a tab, then the permission.")

        @OptionGroup var selection: UserOptions

        func run() async throws {
            let (admin, user) = try await selection.resolve()
            for grant in try await admin.storage.permissions(tenantID: user.tenantID, userID: user.id) {
                print("\(grant.resourceServer)\t\(grant.permission)")
            }
        }
    }
}
