import ArgumentParser
import Foundation
import PortcullisAccounts
import PortcullisStore

extension OrgsCommand {
    /// One organization and one user of the tenant.
    struct MemberSelection: ParsableArguments {
        @OptionGroup var organization: OrganizationOptions
        @Option(help: "Database connection of the user (default: the tenant's first).") var connection: String?
        @Option(help: "The user's email address.") var email: String

        func resolve() async throws -> (AdminContext, Organization, User) {
            let (admin, found) = try await organization.open()
            let user = try await admin.user(tenant: organization.tenant, email: email, connection: connection)
            return (admin, found, user)
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member", abstract: "Add a user to an organization. Adding a member again changes nothing.")

        @OptionGroup var selection: MemberSelection

        func run() async throws {
            let (admin, organization, user) = try await selection.resolve()
            let tenant = try admin.tenant(user.tenantID)
            let isNew = try await OrganizationService(storage: admin.storage)
                .addMembers([user.id], to: organization.id, in: tenant.config, by: AdminContext.actor) > 0
            print(isNew ? "added \(user.email) to \(organization.name)"
                        : "\(user.email) is already a member of \(organization.name); nothing changed")
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member",
            abstract: "Remove a user from an organization, with the roles they were given in it.")

        @OptionGroup var selection: MemberSelection

        func run() async throws {
            let (admin, organization, user) = try await selection.resolve()
            let roles = try await admin.storage.roleAssignments(tenantID: user.tenantID, userID: user.id)
                .filter { $0.organizationID == organization.id }.map(\.role)
            let tenant = try admin.tenant(user.tenantID)
            let removed = try await OrganizationService(storage: admin.storage)
                .removeMembers([user.id], from: organization.id, in: tenant.config, by: AdminContext.actor) > 0
            guard removed else {
                print("\(user.email) is not a member of \(organization.name); nothing changed")
                return
            }
            print("removed \(user.email) from \(organization.name)"
                + (roles.isEmpty ? "" : " and unassigned their roles in it: \(roles.joined(separator: ", "))"))
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an organization's members: email and user id, tab-separated, first joined first.")

        @OptionGroup var selection: OrganizationOptions

        func run() async throws {
            let (admin, organization) = try await selection.open()
            for membership in try await admin.storage.members(tenantID: selection.tenant, organizationID: organization.id) {
                guard let user = try await admin.storage.user(tenantID: selection.tenant, id: membership.userID) else { continue }
                print("\(user.email)\t\(user.externalID)")
            }
        }
    }
}
