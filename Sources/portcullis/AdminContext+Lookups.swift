import ArgumentParser
import PortcullisAccounts
import PortcullisConfig
import PortcullisStore

/// Lookups the roles, permissions and orgs commands share, each failing with one clear line and exit code 1.
extension AdminContext {
    /// The user with `email` on the tenant's database connection (the named one, or the first).
    func user(tenant id: String, email: String, connection name: String?) async throws -> User {
        let (tenant, connection) = try self.connection(tenant: id, named: name)
        guard let user = try await storage.user(tenantID: tenant.id, connection: connection.name.value, email: email) else {
            printError("error: no user with email \(email) in \(tenant.id)/\(connection.name)")
            throw ExitCode(1)
        }
        return user
    }

    /// The organization named `nameOrID` (any case), or with that ID.
    func organization(tenant id: String, _ nameOrID: String) async throws -> Organization {
        let tenant = try self.tenant(id)
        if let organization = try await storage.organization(tenantID: tenant.id, name: nameOrID) {
            return organization
        }
        if let organization = try await storage.organization(tenantID: tenant.id, id: nameOrID) {
            return organization
        }
        let known = try await storage.organizations(tenantID: tenant.id).map(\.name)
        printError("error: no organization \"\(nameOrID)\" in tenant \(tenant.id) ("
            + (known.isEmpty ? "it has none yet; create one with `portcullis orgs create`"
                             : "known: \(known.joined(separator: ", "))") + ")")
        throw ExitCode(1)
    }

    /// The role named `name`, configured or created at runtime, or an error line naming the ones
    /// the tenant has.
    func role(_ name: String, in tenant: Tenant) async throws -> TenantRole {
        let roles = RoleService(storage: storage)
        if let role = try await roles.role(named: name, in: tenant.config) { return role }
        let defined = try await roles.roles(in: tenant.config).map(\.name)
        printError("error: no role \"\(name)\" in tenant \(tenant.id) ("
            + (defined.isEmpty ? "it defines none; add them under `roles:` in its configuration file"
                               : "roles: \(defined.joined(separator: ", "))") + ")")
        throw ExitCode(1)
    }
}

extension OrganizationFailure {
    /// The refusal as one line of the CLI.
    func line(tenant: String) -> String {
        switch self {
        case .noSuchOrganization(let id): "no organization \"\(id)\" in tenant \(tenant)"
        case .nameTaken(let name): "tenant \(tenant) already has an organization named \(name)"
        case .invalid(let reason): reason
        case .noSuchUser(let id): "no user \(id) in tenant \(tenant)"
        case .unknownConnection(let name): "tenant \(tenant) has no connection \(name)"
        case .connectionAlreadyEnabled(let name): "connection \(name) is already enabled for the organization"
        case .connectionNotEnabled(let name): "connection \(name) is not enabled for the organization"
        case .noSuchInvitation(let id): "no invitation \(id) in the organization"
        }
    }
}
