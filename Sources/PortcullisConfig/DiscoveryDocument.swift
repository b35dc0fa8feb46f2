import Foundation
import PortcullisCore
import PortcullisCrypto

/// OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414). It lists only what the
/// server implements; `id_token_signing_alg_values_supported` names the algorithms the tenant has
/// keys for (RS256 among them, as Discovery requires, whenever the tenant has an RS256 key).
enum DiscoveryDocument {
    static func make(config: TenantConfig, issuer: AbsoluteURL, signingKeys: [SigningKey]) -> Data {
        let base = issuer.text
        let algorithms = Array(Set(signingKeys.map(\.algorithm.rawValue))).sorted()
        let scopes = ["openid", "profile", "email", "offline_access"]
            + config.resourceServers.filter { !$0.isSystem }.flatMap { $0.scopes.map(\.value) }
        let authMethods = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
        let signingAlgorithms: [JSONValue] = ["RS256", "ES256", "EdDSA"]
        let document: [String: JSONValue] = [
            "issuer": .string(base),
            "authorization_endpoint": .string(base + "/authorize"),
            "token_endpoint": .string(base + "/oauth/token"),
            "userinfo_endpoint": .string(base + "/userinfo"),
            "jwks_uri": .string(base + "/.well-known/jwks.json"),
            "revocation_endpoint": .string(base + "/oauth/revoke"),
            "introspection_endpoint": .string(base + "/oauth/introspect"),
            "end_session_endpoint": .string(base + "/oidc/logout"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": .array(algorithms.map { .string($0) }),
            "scopes_supported": .array(unique(scopes).map(JSONValue.string)),
            "token_endpoint_auth_methods_supported": .array(authMethods.map(JSONValue.string)),
            "token_endpoint_auth_signing_alg_values_supported": .array(signingAlgorithms),
            "revocation_endpoint_auth_methods_supported": .array(authMethods.map(JSONValue.string)),
            "introspection_endpoint_auth_methods_supported": .array(authMethods.filter { $0 != "none" }.map(JSONValue.string)),
            "code_challenge_methods_supported": ["S256", "plain"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "amr", "org_id", "org_name",
                "name", "given_name", "family_name", "nickname", "preferred_username", "picture", "updated_at",
                "email", "email_verified",
            ],
            "claim_types_supported": ["normal"],
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "require_request_uri_registration": false,
            "authorization_response_iss_parameter_supported": true,
            "prompt_values_supported": ["none", "login", "consent", "select_account"],
            "ui_locales_supported": ["en", "de"],
            "frontchannel_logout_supported": false,
            "backchannel_logout_supported": false,
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
