import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisForwardAuth
import Testing

/// Access rules written as YAML, loaded through the real configuration loader so tests use exactly
/// what operators write.
enum RuleFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The example configuration's tenant `acme`, optionally with its `access_rules` replaced.
    static func acme(accessRules: String? = nil, forwardAuth: String? = nil) async throws -> TenantConfig {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-fa-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("config"),
                                         to: root.appendingPathComponent("config"))
        let acmePath = root.appendingPathComponent("config/tenants/acme.yaml").path
        var text = try String(contentsOfFile: acmePath, encoding: .utf8)
        if let accessRules {
            let start = try #require(text.range(of: "access_rules:\n"))
            let end = try #require(text.range(of: "\nsaml_service_providers:"))
            text.replaceSubrange(start.upperBound..<end.lowerBound, with: accessRules)
        }
        if let forwardAuth {
            let start = try #require(text.range(of: "forward_auth:\n"))
            let end = try #require(text.range(of: "\naccess_rules:"))
            text.replaceSubrange(start.upperBound..<end.lowerBound, with: forwardAuth)
        }
        try text.write(toFile: acmePath, atomically: true, encoding: .utf8)
        let result = await ConfigLoader(configDirectory: root.appendingPathComponent("config").path,
                                        secretsPath: repositoryRoot.appendingPathComponent("secrets.example.yaml").path)
            .load(generation: 1)
        let snapshot = try #require(result.snapshot, "\(result.issues)")
        return try #require(snapshot.tenantsByID["acme"]).config
    }

    static func rules(_ yaml: String) async throws -> [AccessRule] {
        TenantAccessPolicy(try await acme(accessRules: yaml)).rules
    }

    static func request(_ url: String, method: String = "GET") throws -> OriginalRequest {
        try OriginalRequest.from(originalURL: url, forwardedProto: nil, forwardedHost: nil, forwardedURI: nil,
                                 originalMethod: method, forwardedMethod: nil, fallbackMethod: "GET").get()
    }
}
