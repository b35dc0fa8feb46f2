import Foundation
import PortcullisCore
import PortcullisCrypto

/// OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414). It lists only what the
/// server implements: the required fields and the endpoints that exist. Endpoints are added here
/// as they are built, never announced ahead of their implementation.
enum DiscoveryDocument {
    static func make(config: TenantConfig, issuer: AbsoluteURL, signingKeys: [SigningKey]) -> Data {
        let base = issuer.text
        let algorithms = Array(Set(signingKeys.map(\.algorithm.rawValue))).sorted()
        let scopes = ["openid", "profile", "email", "offline_access"]
            + config.resourceServers.flatMap { $0.scopes.map(\.value) }
        let document: [String: JSONValue] = [
            "issuer": .string(base),
            "jwks_uri": .string(base + "/.well-known/jwks.json"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": .array(algorithms.map { .string($0) }),
            "scopes_supported": .array(unique(scopes).map(JSONValue.string)),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(JSONValue.object(document))) ?? Data("{}".utf8)
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
