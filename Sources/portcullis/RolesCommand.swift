import ArgumentParser
import Foundation
import PortcullisAccounts
import PortcullisStore

struct RolesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles", abstract: "Assign the tenant's roles (configured or created through the management API) to users, tenant-wide or in an organization.",
        subcommands: [Assign.self, Unassign.self, List.self])

    /// What `assign` and `unassign` name: one user, one role, and where it applies.
    struct Selection: ParsableArguments {
        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Database connection of the user (default: the tenant's first).") var connection: String?
        @Option(help: "The user's email address.") var email: String
        @Option(help: "Role name: one under `roles:` in the tenant's configuration, or a runtime role.") var role: String
        @Option(help: "Organization name or id: the role applies only in it (default: tenant-wide).") var organization: String?

        /// The open store, the user and the organization, or an error line and exit code 1.
        func resolve() async throws -> (AdminContext, User, Organization?) {
            let admin = try await AdminContext.open(options, database: database)
            let user = try await admin.user(tenant: tenant, email: email, connection: connection)
            guard let organization else {
                return (admin, user, nil)
            }
            return (admin, user, try await admin.organization(tenant: tenant, organization))
        }

        /// "admin" or "admin in acme-corp", for messages.
        func describe(_ organization: Organization?) -> String {
            organization.map { "\(role) in \($0.name)" } ?? "\(role) (tenant-wide)"
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a role. Assigning a role the user already has changes nothing.")

        @OptionGroup var selection: Selection

        func run() async throws {
            let (admin, user, organization) = try await selection.resolve()
            let tenant = try admin.tenant(selection.tenant)
            let role = try await admin.role(selection.role, in: tenant)
            let what = selection.describe(organization)
            let added: Int
            do {
                added = try await RoleService(storage: admin.storage).assign(
                    [role], to: user.id, organizationID: organization?.id, in: tenant.config, by: AdminContext.actor)
            } catch RoleFailure.notAMember {
                printError("error: \(user.email) is not a member of organization \(organization?.name ?? ""); add them first "
                    + "with `portcullis orgs add-member --name \(organization?.name ?? "") --email \(user.email)`")
                throw ExitCode(1)
            }
            print(added > 0 ? "assigned \(what) to \(user.email)" : "\(user.email) already has \(what); nothing changed")
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a role away from a user. A role the user does not have changes nothing.")

        @OptionGroup var selection: Selection

        func run() async throws {
            let (admin, user, organization) = try await selection.resolve()
            let what = selection.describe(organization)
            let tenant = try admin.tenant(selection.tenant)
            let removed = try await RoleService(storage: admin.storage).unassign(
                [selection.role], from: user.id, organizationID: organization?.id, in: tenant.config, by: AdminContext.actor)
            if removed > 0 {
                print("unassigned \(what) from \(user.email)")
                return
            }
            // A role dropped from the configuration can still be unassigned (above); an unknown one
            // that nobody holds is most likely a typo.
            _ = try await admin.role(selection.role, in: tenant)
            print("\(user.email) does not have \(what); nothing changed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's roles: one per line, the role, then a tab and the organization for organization roles.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Database connection of the user (default: the tenant's first).") var connection: String?
        @Option(help: "The user's email address.") var email: String

        func run() async throws {
            let admin = try await AdminContext.open(options, database: database)
            let user = try await admin.user(tenant: tenant, email: email, connection: connection)
            for assignment in try await admin.storage.roleAssignments(tenantID: user.tenantID, userID: user.id) {
                guard let organizationID = assignment.organizationID else {
                    print(assignment.role)
                    continue
                }
                let organization = try await admin.storage.organization(tenantID: user.tenantID, id: organizationID)
                print("\(assignment.role)\t\(organization?.name ?? organizationID)")
            }
        }
    }
}
