import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisSAML
import Synchronization
import _CryptoExtras

/// Parsed keys by content, kept across reloads: parsing an RSA key costs far more than the rest of
/// a tenant, and most reloads change no key.
public final class ParsedKeyCache: Sendable {
    private let keys = Mutex<[String: SigningKey]>([:])
    private let certificates = Mutex<[String: SAMLCertificate]>([:])

    public init() {}

    func key(kid: String, algorithm: SigningKeyConfig.Algorithm, pem: String) throws(KeyParseError) -> SigningKey {
        let cacheKey = "\(algorithm.rawValue)\u{0}\(SecretDigest(of: pem).hex)"
        if let cached = keys.withLock({ $0[cacheKey] }) { return cached.withKID(kid) }
        let key = try SigningKey(kid: kid, algorithm: algorithm, pem: pem)
        keys.withLock { $0[cacheKey] = key }
        return key
    }

    /// The self-signed SAML certificate of a key; deterministic, so caching only saves the RSA operation.
    func selfSignedCertificate(for key: _RSA.Signing.PrivateKey, commonName: String) throws(SAMLCertificate.Problem) -> SAMLCertificate {
        let cacheKey = "\(commonName)\u{0}\(SecretDigest(of: key.publicKey.pemRepresentation).hex)"
        if let cached = certificates.withLock({ $0[cacheKey] }) { return cached }
        let certificate = try SAMLCertificate.selfSigned(key: key, commonName: commonName)
        certificates.withLock { $0[cacheKey] = certificate }
        return certificate
    }
}

/// Turns a validated tenant configuration into a runtime `Tenant`: resolves secrets, parses and
/// checks signing keys, reduces client secrets to digests.
struct TenantBuilder: Sendable {
    let secrets: SecretResolver
    let keyCache: ParsedKeyCache
    let developmentMode: Bool
    var issues: [ConfigIssue] = []
    var warnings: [ConfigIssue] = []
    /// Files read while building (SAML metadata), for the snapshot's content hash and file watch.
    var readFiles: [String] = []

    init(secrets: SecretResolver, keyCache: ParsedKeyCache, developmentMode: Bool) {
        self.secrets = secrets
        self.keyCache = keyCache
        self.developmentMode = developmentMode
    }

    mutating func build(_ config: TenantConfig, keyProvider: (any GeneratedKeyProvider)?) async -> Tenant? {
        var keys: [SigningKey] = []
        var activeCount = 0
        for keyConfig in config.signingKeys {
            guard let reference = keyConfig.secret, let pem = secrets.value(reference, issues: &issues) else { continue }
            do {
                let key = try keyCache.key(kid: keyConfig.kid.value, algorithm: keyConfig.algorithm, pem: pem)
                if keyConfig.status == .active { keys.insert(key, at: activeCount); activeCount += 1 } else { keys.append(key) }
            } catch {
                issues.append(ConfigIssue(at: reference.location,
                                          "secret \"\(reference.value)\" \(error.description) (algorithm \(keyConfig.algorithm.rawValue))"))
            }
        }
        if config.signingKeys.isEmpty {
            if !developmentMode {
                issues.append(ConfigIssue(at: config.source["signing_keys"],
                    "a tenant needs a signing key; generated keys are only allowed with server.development_mode: true"))
            } else {
                warnings.append(ConfigIssue(at: config.source["signing_keys"],
                    "no signing keys: development mode uses generated ES256 and RS256 keys stored in the database. Never do this in production."))
                if let keyProvider {
                    // ES256 signs by default; the RS256 key exists because OpenID Connect relying
                    // parties may insist on RS256 ID tokens (Discovery §3 requires it be supported).
                    for algorithm in [SigningKeyConfig.Algorithm.es256, .rs256] {
                        do {
                            let pem = try await keyProvider.generatedKeyPEM(tenantID: config.id.value, algorithm: algorithm)
                            keys.append(try keyCache.key(kid: "\(config.id.value)-generated-\(algorithm.rawValue.lowercased())",
                                                         algorithm: algorithm, pem: pem))
                        } catch {
                            issues.append(ConfigIssue(at: config.source["signing_keys"],
                                                      "could not load or store a generated signing key: \(error)"))
                        }
                    }
                }
            }
        }

        var clients: [Client] = []
        for client in config.clients {
            var digest: SecretDigest?
            if let reference = client.clientSecret, let secret = secrets.value(reference, issues: &issues) {
                if secret.utf8.count < 16 {
                    // Client secrets are compared by fast digest, which is only sound for high-entropy values.
                    issues.append(ConfigIssue(at: reference.location,
                        "client secret \"\(reference.value)\" is too short (\(secret.utf8.count) bytes; at least 16, ideally 32 random bytes)"))
                }
                digest = SecretDigest(of: secret)
            }
            clients.append(Client(config: client, secretDigest: digest))
        }
        var hookKeys: [String: HMACKey] = [:]
        for hook in config.hooks { if let secret = hook.secret { hookKeys[hook.name.value] = checkHMACKey(secret) } }
        var webhookKeys: [String: HMACKey] = [:]
        for webhook in config.webhooks {
            if let secret = webhook.secret { webhookKeys[webhook.name.value] = checkHMACKey(secret) }
        }

        let samlProviders = buildSAMLServiceProviders(config, keys: keys)
        guard let issuer = config.issuer else { return nil }
        return Tenant(config: config, issuer: issuer, signingKeys: keys,
                      activeKeyCount: config.signingKeys.isEmpty ? keys.count : activeCount, clients: clients,
                      hookKeys: hookKeys, webhookKeys: webhookKeys, samlServiceProviders: samlProviders)
    }

    private mutating func checkHMACKey(_ reference: Located<String>) -> HMACKey? {
        guard let value = secrets.value(reference, issues: &issues) else { return nil }
        if value.utf8.count < 32 {
            issues.append(ConfigIssue(at: reference.location,
                "HMAC key \"\(reference.value)\" is too short (\(value.utf8.count) bytes; at least 32)"))
        }
        return HMACKey(value)
    }
}
