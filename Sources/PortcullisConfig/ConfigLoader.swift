import Crypto
import Foundation
import PortcullisCore
import PortcullisCrypto

/// Supplies signing keys for tenants that have none, in development mode only. The server backs this
/// with the store, so a generated key survives restarts and is shared by replicas.
public protocol GeneratedKeyProvider: Sendable {
    /// The PEM of the tenant's generated key for the algorithm, creating and persisting it if needed.
    func generatedKeyPEM(tenantID: String, algorithm: SigningKeyConfig.Algorithm) async throws -> String
}

/// The outcome of loading: either a snapshot, or the complete list of problems.
public struct ConfigLoadResult: Sendable {
    public var snapshot: ConfigSnapshot?
    /// Every problem, sorted by file and position. Empty exactly when `snapshot` is set.
    public var issues: [ConfigIssue]
    public var warnings: [ConfigIssue]
}

/// Reads `DIR/portcullis.yaml`, `DIR/tenants/*.yaml` and the secrets file, validates everything and
/// builds a snapshot. Pure apart from reading files (and asking the key provider in development mode).
public struct ConfigLoader: Sendable {
    public var configDirectory: String
    public var secretsPath: String
    public var environment: [String: String]

    public init(configDirectory: String, secretsPath: String,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configDirectory = configDirectory
        self.secretsPath = secretsPath
        self.environment = environment
    }

    var serverFilePath: String { (configDirectory as NSString).appendingPathComponent("portcullis.yaml") }
    var tenantsDirectory: String { (configDirectory as NSString).appendingPathComponent("tenants") }

    /// Tenant files, sorted; hidden files (editor swap files, Kubernetes' `..data`) are skipped.
    func tenantFiles() -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tenantsDirectory) else { return nil }
        return names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
            .map { (tenantsDirectory as NSString).appendingPathComponent($0) }
    }

    /// - Parameter parallelism: how many tenant files are read and built at once. Start-up and
    ///   `check-config` use every core; a reload in a serving process passes fewer, so requests keep
    ///   a core while a large configuration is rebuilt.
    public func load(generation: Int, keyProvider: (any GeneratedKeyProvider)? = nil,
                     keyCache: ParsedKeyCache = ParsedKeyCache(),
                     parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) async -> ConfigLoadResult {
        var issues: [ConfigIssue] = []
        var warnings: [ConfigIssue] = []
        var hasher = SHA256()
        var inputFiles: [String] = []

        func read<T: ConfigObject>(_ path: String, as type: T.Type) -> T? {
            let loaded = YAMLFile.load(path: path, displayPath: path, issues: &issues)
            inputFiles.append(path)
            hasher.update(data: Data(path.utf8))
            hasher.update(data: loaded.bytes)
            guard let node = loaded.node else { return nil }
            let context = ReadContext(file: path)
            let value = T.readRoot(node, in: context)
            issues += context.issues
            return value
        }

        let server = read(serverFilePath, as: ServerConfig.self)
        let secretsRoot = read(secretsPath, as: SecretsFileRoot.self)
        let secrets = SecretResolver(root: secretsRoot, path: secretsPath, displayPath: secretsPath,
                                     environment: environment, issues: &issues)

        var tenants: [TenantConfig] = []
        if let files = tenantFiles() {
            if files.isEmpty {
                issues.append(ConfigIssue(file: tenantsDirectory, line: 1, column: 1, path: "",
                                          message: "no tenant files (*.yaml) found"))
            }
            // Tenant files are independent: read and check them on all cores, then combine in file
            // order so issues and the content hash do not depend on scheduling.
            let results = await concurrentMap(files, limit: parallelism) { Self.readTenantFile($0) }
            for (file, result) in zip(files, results) {
                inputFiles.append(file)
                hasher.update(data: Data(file.utf8))
                hasher.update(data: result.bytes)
                issues += result.issues
                warnings += result.warnings
                if let tenant = result.tenant { tenants.append(tenant) }
            }
        } else {
            issues.append(ConfigIssue(file: tenantsDirectory, line: 1, column: 1, path: "",
                                      message: "directory does not exist or cannot be read"))
        }
        issues += GlobalValidator.validate(tenants)

        let developmentMode = server?.server.developmentMode ?? false
        // Building (keys, secrets, published documents) is independent per tenant as well.
        let builds = await concurrentMap(tenants, limit: parallelism) { tenant in
            var builder = TenantBuilder(secrets: secrets, keyCache: keyCache, developmentMode: developmentMode)
            let built = await builder.build(tenant, keyProvider: keyProvider)
            return (built, builder.issues, builder.warnings, builder.readFiles)
        }
        var built: [Tenant] = []
        for (tenant, buildIssues, buildWarnings, readFiles) in builds {
            if let tenant { built.append(tenant) }
            issues += buildIssues
            warnings += buildWarnings
            for path in readFiles {
                inputFiles.append(path)
                hasher.update(data: Data(path.utf8))
                hasher.update(data: FileManager.default.contents(atPath: path) ?? Data())
            }
        }
        var smtpPassword: String?
        if let reference = server?.email.smtp?.password {
            smtpPassword = secrets.value(reference, issues: &issues)
        }
        warnings += secrets.unusedWarnings()
        for path in Set(secrets.readFiles).sorted() {
            inputFiles.append(path)
            hasher.update(data: Data(path.utf8))
            hasher.update(data: FileManager.default.contents(atPath: path) ?? Data())
        }

        issues = Array(Set(issues)).sorted()
        warnings.sort()
        guard issues.isEmpty, let server else {
            return ConfigLoadResult(snapshot: nil, issues: issues, warnings: warnings)
        }
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let snapshot = ConfigSnapshot(generation: generation, contentHash: hash, server: server, tenants: built,
                                      warnings: warnings, inputFiles: inputFiles, smtpPassword: smtpPassword)
        return ConfigLoadResult(snapshot: snapshot, issues: [], warnings: warnings)
    }
}

/// One tenant file after reading and per-tenant validation.
struct TenantFileResult: Sendable {
    var tenant: TenantConfig?
    var issues: [ConfigIssue] = []
    var warnings: [ConfigIssue] = []
    var bytes = Data()
}

extension ConfigLoader {
    static func readTenantFile(_ file: String) -> TenantFileResult {
        var result = TenantFileResult()
        let loaded = YAMLFile.load(path: file, displayPath: file, issues: &result.issues)
        result.bytes = loaded.bytes
        guard let node = loaded.node else { return result }
        let context = ReadContext(file: file)
        guard let tenant = TenantConfig.readRoot(node, in: context) else {
            result.issues += context.issues
            return result
        }
        result.issues += context.issues
        var validator = TenantValidator(tenant)
        result.issues += validator.validate()
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if !tenant.id.value.isEmpty, stem != tenant.id.value {
            result.warnings.append(ConfigIssue(at: tenant.source["id"],
                                               "tenant id \"\(tenant.id.value)\" differs from its file name \"\(stem)\""))
        }
        result.tenant = tenant
        return result
    }

    /// Reads only `portcullis.yaml`: what the process needs before the database is open (the database
    /// path, logging). The full load, with tenants, follows once the store exists.
    public func loadServerConfig() -> (config: ServerConfig?, issues: [ConfigIssue]) {
        var issues: [ConfigIssue] = []
        let loaded = YAMLFile.load(path: serverFilePath, displayPath: serverFilePath, issues: &issues)
        guard let node = loaded.node else { return (nil, issues) }
        let context = ReadContext(file: serverFilePath)
        let config = ServerConfig.readRoot(node, in: context)
        issues += context.issues
        return (issues.isEmpty ? config : nil, issues.sorted())
    }
}
