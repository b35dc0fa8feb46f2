import ArgumentParser
import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore
import PortcullisUI

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Create, import and export users.",
        subcommands: [Create.self, Import.self, Export.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user with a password read from standard input.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Database connection (default: the tenant's first).") var connection: String?
        @Option(help: "Email address.") var email: String
        @Option(help: "Display name.") var name: String?
        @Flag(help: "Read the password from standard input (one line); required.") var passwordStdin = false
        @Flag(help: "Mark the email address as verified.") var verified = false

        func run() async throws {
            guard passwordStdin else {
                printError("error: pass the password on standard input with --password-stdin (never as an argument)")
                throw ExitCode(64)
            }
            let password = (readLine(strippingNewline: true) ?? "")
            let admin = try await AdminContext.open(options, database: database)
            let (tenantConfig, connectionConfig) = try admin.connection(tenant: tenant, named: connection)
            let user: User
            do {
                user = try await admin.accounts.create(
                    NewUser(email: email, values: [.emailVerified: .flag(verified), .name: .text(name)], password: .plain(password)),
                    tenantID: tenantConfig.id, connection: connectionConfig, by: AdminContext.actor, via: "cli")
            } catch AccountFailure.invalidEmail {
                printError("error: \"\(email)\" is not a valid email address")
                throw ExitCode(1)
            } catch AccountFailure.passwordRejected(let problem) {
                printError("error: password refused by the connection's password policy: \(problem.explanation)")
                throw ExitCode(1)
            } catch AccountFailure.duplicate {
                printError("error: a user with email \(email) already exists in \(tenant)/\(connectionConfig.name)")
                throw ExitCode(1)
            }
            print(user.externalID)
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import users from JSON lines (Auth0 bulk-import fields, bcrypt or argon2id hashes). Idempotent.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Database connection (default: the tenant's first).") var connection: String?
        @Argument(help: "JSON lines file.") var file: String

        func run() async throws {
            let admin = try await AdminContext.open(options, database: database)
            let (tenantConfig, connectionConfig) = try admin.connection(tenant: tenant, named: connection)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                printError("error: cannot read \(file)")
                throw ExitCode(1)
            }
            var created = 0, updated = 0, skipped = 0
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                switch UserImportRecord.parse(trimmed) {
                case .failure(let error):
                    printError("\(file):\(index + 1): skipped: \(error)")
                    skipped += 1
                case .success(let record):
                    let wasNew = try await UserImport.apply(record, tenantID: tenantConfig.id, connection: connectionConfig,
                                                            admin: admin)
                    if wasNew { created += 1 } else { updated += 1 }
                }
            }
            printError("imported: \(created) created, \(updated) updated, \(skipped) skipped")
            if skipped > 0 { throw ExitCode(2) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export users as JSON lines (the import format).")

        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path.") var database: String?
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let admin = try await AdminContext.open(options, database: database)
            guard admin.snapshot.tenantsByID[tenant] != nil else {
                printError("error: no tenant \"\(tenant)\"")
                throw ExitCode(1)
            }
            var page = 0
            while true {
                let batch = try await admin.storage.users(tenantID: tenant, page: page, perPage: 100)
                for user in batch.users {
                    let hash = try await admin.storage.password(tenantID: tenant, userID: user.id)?.hash
                    print(UserImport.exportLine(user, passwordHash: hash))
                }
                if batch.users.count < 100 { break }
                page += 1
            }
        }
    }
}

/// Applying import records to the store, and the export format (which the importer reads back).
enum UserImport {
    /// Creates or updates the user with this email; returns whether it was created. A new user goes
    /// through the account service (the one creation sign-up and the management API use), with its
    /// hash in the same transaction; an existing one takes the line's fields as they are (an
    /// import replaces, it does not merge), with its hash in the same transaction too.
    static func apply(_ record: UserImportRecord, tenantID: String, connection: ConnectionConfig,
                      admin: AdminContext) async throws -> Bool {
        let now = Date()
        let name = connection.name.value
        guard var user = try await admin.storage.user(tenantID: tenantID, connection: name, email: record.email) else {
            _ = try await admin.accounts.create(
                NewUser(email: record.email, values: record.values, password: record.passwordHash.map(NewUser.Password.hash)),
                tenantID: tenantID, connection: connection, by: AdminContext.actor, via: "import", now: now)
            return true
        }
        for (field, value) in record.values { user[field] = value }
        user.updatedAt = now
        let event = DomainEvent(.userUpdated, tenantID: tenantID, subject: .user(user.id), actor: AdminContext.actor, at: now,
                                details: ["connection": name, "via": "import"])
        let credential = record.passwordHash.map { PasswordCredential(tenantID: tenantID, userID: user.id, hash: $0, updatedAt: now) }
        _ = try await admin.storage.update(user, password: credential, events: [event])
        return false
    }

    static func exportLine(_ user: User, passwordHash: String?) -> String {
        var object: [String: Any] = [
            "user_id": user.externalID, "logins_count": user.loginCount,
            "created_at": ISO8601DateFormatter().string(from: user.createdAt),
            "updated_at": ISO8601DateFormatter().string(from: user.updatedAt),
        ]
        // The email and the fields the import reads, so an export imports back.
        for field in [UserField.email] + UserImportRecord.importedFields {
            switch user[field] {
            case .text(let value): if let value { object[field.rawValue] = value }
            case .flag(let value): object[field.rawValue] = value
            case .object(let json): object[field.rawValue] = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) ?? [:]
            }
        }
        if let last = user.lastLoginAt { object["last_login"] = ISO8601DateFormatter().string(from: last) }
        if let passwordHash { object["password_hash"] = passwordHash }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
