import ArgumentParser
import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import PortcullisStoreFactory

/// What the administrative commands share: the validated configuration (so a typo in a tenant name
/// is caught before anything is written) and the store it names.
struct AdminContext {
    let snapshot: ConfigSnapshot
    let storage: any PortcullisStorage
    /// The account changes the server and the API make, on this command's store (one hashing
    /// thread: a command hashes one password at a time). A command runs outside the server, so
    /// there is no session cache here to tell: a running server's resolver notices a CLI block
    /// when its cached entry expires (at most its TTL, 30 s).
    let accounts: AccountService

    /// Who the events of administrative commands name as their actor.
    static let actor = EventParty.operator("cli")

    static func open(_ options: ConfigOptions, database: String?) async throws -> AdminContext {
        let loader = ConfigLoader(configDirectory: options.config, secretsPath: options.secrets)
        let result = await loader.load(generation: 1)
        guard let snapshot = result.snapshot else {
            for issue in result.issues { printError("\(issue)") }
            printError("error: configuration is invalid (\(result.issues.count) problems)")
            throw ExitCode(1)
        }
        do {
            let storage = try StoreFactory.open(snapshot.server.storage, databaseOverride: database).storage
            return AdminContext(snapshot: snapshot, storage: storage,
                                accounts: AccountService(storage: storage, invalidation: NoSessionInvalidationObserver(),
                                                         hashing: PasswordHashingPool(workers: 1, queueCapacity: 1)))
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// The tenant with this id; an unknown one is an error naming the known ones.
    func tenant(_ id: String) throws -> Tenant {
        guard let tenant = snapshot.tenantsByID[id] else {
            printError("error: no tenant \"\(id)\" (known: \(snapshot.tenants.map(\.id).joined(separator: ", ")))")
            throw ExitCode(1)
        }
        return tenant
    }

    /// The tenant and its database connection (the named one, or the first).
    func connection(tenant id: String, named name: String?) throws -> (Tenant, ConnectionConfig) {
        let tenant = try self.tenant(id)
        let databases = tenant.connections.databases
        guard let connection = name.map({ wanted in databases.first { $0.name.value == wanted } }) ?? databases.first else {
            printError("error: tenant \(id) has no database connection\(name.map { " named \"\($0)\"" } ?? "")")
            throw ExitCode(1)
        }
        return (tenant, connection)
    }
}
