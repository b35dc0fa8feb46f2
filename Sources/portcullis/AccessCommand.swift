import ArgumentParser
import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisForwardAuth
import PortcullisStore

/// `portcullis access check`: which access rule matches a URL and what the resolver would answer,
/// so operators can test rules in CI before they deploy them.
struct AccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "Explain forward-auth access rules.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the access rule that matches a request and the resolver's decision.")

        @OptionGroup var options: ConfigOptions
        @Option(help: "SQLite database file, overriding storage.sqlite.path (read with --user).") var database: String?
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "The original request's URL, e.g. https://app.acme.test/admin/.") var url: String
        @Option(help: "The original request's method.") var method: String = "GET"
        @Option(help: "The user asking: usr_… or connection|usr_…; their roles come from the store.") var user: String?
        @Flag(help: "Ask as nobody (no session).") var anonymous = false
        @Option(help: "The client's IP address, for rules with networks.") var clientIP: String?
        @Option(help: "Exit 3 unless the decision is this one (allow, bypass, login, forbidden, informational).")
        var expect: String?

        func validate() throws {
            guard (user != nil) != anonymous else { throw ValidationError("give exactly one of --user ID and --anonymous") }
        }

        func run() async throws {
            let snapshot = try await loadSnapshot()
            guard let tenantConfig = snapshot.tenantsByID[tenant]?.config else {
                printError("error: no tenant \"\(tenant)\" (known: \(snapshot.tenants.map(\.id).joined(separator: ", ")))")
                throw ExitCode(1)
            }
            let request: OriginalRequest
            switch OriginalRequest.from(originalURL: url, forwardedProto: nil, forwardedHost: nil, forwardedURI: nil,
                                        originalMethod: method.uppercased(), forwardedMethod: nil, fallbackMethod: "GET") {
            case .success(let parsed): request = parsed
            case .failure(let problem):
                printError("error: --url/--method are not a usable request: \(problem)")
                throw ExitCode(1)
            }
            let identity = try await subject(tenantConfig)
            let policy = TenantAccessPolicy(tenantConfig)
            let rule = policy.rule(for: request, client: clientIP.flatMap(IPNetwork.parseAddress))
            let decision = AccessDecision.decide(rule: rule, defaultPolicy: AccessRule.Policy(policy.defaultPolicy),
                                                 identity: identity)
            print("request:  \(request.method) \(request.scheme)://\(request.host)\(request.path)")
            if let rule, let config = tenantConfig.accessRules.first(where: { $0.name.value == rule.name }) {
                let at = config.source.object
                print("rule:     \(rule.name) (\(relative(at.file)):\(at.line)) policy \(describe(config))")
            } else {
                print("rule:     none matched; forward_auth.default_policy \(policy.defaultPolicy.rawValue)")
            }
            if let identity {
                let roles = identity.roles.isEmpty ? "none" : identity.roles.joined(separator: ", ")
                let organizations = Set(identity.memberships.values.compactMap(\.organizationName)).sorted()
                let member = organizations.isEmpty ? "" : "; member of \(organizations.joined(separator: ", "))"
                print("subject:  \(identity.userID) (roles: \(roles)\(member))")
            } else {
                print("subject:  anonymous")
            }
            let (word, explanation) = Self.explain(decision)
            print("decision: \(explanation)")
            if let expect, expect != word {
                printError("error: expected \(expect), got \(word)")
                throw ExitCode(3)
            }
        }

        private func loadSnapshot() async throws -> ConfigSnapshot {
            let result = await ConfigLoader(configDirectory: options.config, secretsPath: options.secrets).load(generation: 1)
            guard let snapshot = result.snapshot else {
                for issue in result.issues { printError("\(issue)") }
                printError("error: configuration is invalid (\(result.issues.count) problems)")
                throw ExitCode(1)
            }
            return snapshot
        }

        /// The user's identity as a password session would carry it, with roles from the store.
        private func subject(_ tenantConfig: TenantConfig) async throws -> ForwardAuthIdentity? {
            guard let user else { return nil }
            let admin = try await AdminContext.open(options, database: database)
            let id = user.split(separator: "|").last.map(String.init) ?? user
            guard let record = try await admin.storage.user(tenantID: tenantConfig.id.value, id: id) else {
                printError("error: no user \(user) in tenant \(tenantConfig.id)")
                throw ExitCode(1)
            }
            return try await ForwardAuthIdentity.passwordSession(of: record, storage: admin.storage)
        }

        /// `tenants/acme.yaml` rather than the whole path, as check-config reports files.
        private func relative(_ file: String) -> String {
            let directories = [options.config, URL(fileURLWithPath: options.config).standardizedFileURL.path]
            for directory in directories.map({ $0.hasSuffix("/") ? $0 : $0 + "/" }) where file.hasPrefix(directory) {
                return String(file.dropFirst(directory.count))
            }
            return file
        }

        private func describe(_ config: AccessRuleConfig) -> String {
            var text = config.policy.rawValue
            if let roles = config.roles {
                if !roles.anyOf.isEmpty { text += " any_of [\(roles.anyOf.map(\.value.value).joined(separator: ", "))]" }
                if !roles.allOf.isEmpty { text += " all_of [\(roles.allOf.map(\.value.value).joined(separator: ", "))]" }
            }
            if let organization = config.organization { text += ", organization \(organization)" }
            if config.mode == .informational { text += ", mode informational" }
            return text
        }

        static func explain(_ decision: ResolverDecision) -> (word: String, text: String) {
            switch decision {
            case .allow(let subject):
                guard let organization = subject.organizationID else {
                    return ("allow", "allow (200 with identity headers)")
                }
                let roles = subject.roles.isEmpty ? "none" : subject.roles.joined(separator: ", ")
                let name = subject.organizationName.map { "\($0) " } ?? ""
                return ("allow", "allow (200 with identity headers, acting in organization \(name)\(organization); roles: \(roles))")
            case .bypass: return ("bypass", "bypass (200 without identity)")
            case .unauthenticated: return ("login", "login required (401, or 302 to the login page)")
            case .forbidden: return ("forbidden", "forbidden (403)")
            case .informational(let identity):
                return ("informational", "informational (200, Session-Valid: \(identity == nil ? "false" : "true"))")
            }
        }
    }
}
