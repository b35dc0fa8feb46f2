import ArgumentParser
import Foundation
import PortcullisStore

struct RolesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles", abstract: "Assign the tenant's configured roles to users, tenant-wide or in an organization.",
        subcommands: [Assign.self, Unassign.self, List.self])

    /// What `assign` and `unassign` name: one user, one role, and where it applies.
    struct Selection: ParsableArguments {
        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Database connection of the user (default: the tenant's first).") var connection: String?
        @Option(help: "The user's email address.") var email: String
        @Option(help: "Role name, as defined under `roles:` in the tenant's configuration.") var role: String
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
        func event(_ kind: DomainEventKind, _ user: User, _ organization: Organization?) -> DomainEvent {
            var details = ["role": role]
            if let organization { details["organization_id"] = organization.id }
            return DomainEvent(kind, tenantID: user.tenantID, subject: .user(user.id), actor: AdminContext.actor,
                               details: details)
        }

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
            try admin.requireRole(selection.role, in: admin.tenant(selection.tenant))
            let what = selection.describe(organization)
            if let organization,
               !(try await admin.storage.isMember(tenantID: user.tenantID, organizationID: organization.id, userID: user.id)) {
                printError("error: \(user.email) is not a member of organization \(organization.name); add them first "
                    + "with `portcullis orgs add-member --name \(organization.name) --email \(user.email)`")
                throw ExitCode(1)
            }
            let isNew = try await admin.storage.assignRole(
                tenantID: user.tenantID, userID: user.id, role: selection.role, organizationID: organization?.id, at: Date(),
                events: [selection.event(.roleAssigned, user, organization)])
            print(isNew ? "assigned \(what) to \(user.email)" : "\(user.email) already has \(what); nothing changed")
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a role away from a user. A role the user does not have changes nothing.")

        @OptionGroup var selection: Selection

        func run() async throws {
            let (admin, user, organization) = try await selection.resolve()
            let what = selection.describe(organization)
            let removed = try await admin.storage.unassignRole(
                tenantID: user.tenantID, userID: user.id, role: selection.role, organizationID: organization?.id,
                events: [selection.event(.roleUnassigned, user, organization)])
            if removed {
                print("unassigned \(what) from \(user.email)")
                return
            }
            // A role dropped from the configuration can still be unassigned (above); an unknown one
            // that nobody holds is most likely a typo.
            try admin.requireRole(selection.role, in: admin.tenant(selection.tenant))
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
