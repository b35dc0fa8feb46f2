import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisSAML

extension TenantBuilder {
    /// The tenant's SAML service providers, ready to serve: the SP certificate (inline or from its
    /// metadata file), the IdP's signing key and certificate (given, or self-signed from the key),
    /// the HTTP signer's token. Every problem is a config issue at the key that caused it.
    mutating func buildSAMLServiceProviders(_ config: TenantConfig, keys: [SigningKey]) -> [String: SAMLServiceProvider] {
        var providers: [String: SAMLServiceProvider] = [:]
        for provider in config.samlServiceProviders {
            guard let certificate = spCertificate(provider), let signing = signingIdentity(provider, config: config, keys: keys)
            else { continue }
            providers[provider.id.value] = SAMLServiceProvider(config: provider, certificate: certificate, signing: signing)
        }
        return providers
    }

    /// `.some(nil)`: the SP has no certificate; `nil`: it has one that is unusable (reported).
    private mutating func spCertificate(_ provider: SAMLServiceProviderConfig) -> SAMLCertificate?? {
        if let pem = provider.certificate {
            // Not PEM at all was reported when the file was read.
            guard pem.contains("-----BEGIN CERTIFICATE-----") else { return nil }
            do {
                return .some(try SAMLCertificate(pem: pem))
            } catch {
                issues.append(ConfigIssue(at: provider.source["certificate"], "the certificate \(error)"))
                return nil
            }
        }
        guard let file = provider.metadataFile else { return .some(nil) }
        let directory = URL(fileURLWithPath: provider.source.object.file).deletingLastPathComponent()
        let path = file.value.hasPrefix("/") ? file.value : directory.appendingPathComponent(file.value).path
        guard let data = FileManager.default.contents(atPath: path) else {
            issues.append(ConfigIssue(at: file.location, "cannot read the metadata file \(path)"))
            return nil
        }
        readFiles.append(path)
        do {
            let metadata = try ServiceProviderMetadata(xml: Array(data))
            guard metadata.entityID == provider.entityID.value else {
                issues.append(ConfigIssue(at: file.location,
                    "the metadata file's entityID \"\(metadata.entityID)\" is not this SP's entity_id \"\(provider.entityID.value)\""))
                return nil
            }
            if metadata.signingCertificate == nil, provider.wantAuthnRequestsSigned {
                issues.append(ConfigIssue(at: file.location,
                    "the metadata file has no signing certificate, and want_authn_requests_signed needs one"))
                return nil
            }
            return .some(metadata.signingCertificate)
        } catch {
            issues.append(ConfigIssue(at: file.location, "the metadata file \(path) \(error)"))
            return nil
        }
    }

    private mutating func signingIdentity(_ provider: SAMLServiceProviderConfig, config: TenantConfig,
                                          keys: [SigningKey]) -> SAMLSigningIdentity? {
        let signing = provider.signing
        let location = signing?.source.object ?? provider.source.object
        var givenCertificate: SAMLCertificate?
        if let pem = signing?.certificate {
            guard pem.contains("-----BEGIN CERTIFICATE-----") else { return nil }
            do {
                givenCertificate = try SAMLCertificate(pem: pem)
            } catch {
                issues.append(ConfigIssue(at: signing?.source["certificate"] ?? location, "the certificate \(error)"))
                return nil
            }
        }
        if let signer = signing?.httpSigner {
            guard let url = signer.url, let reference = signer.token, let certificate = givenCertificate,
                  let token = secrets.value(reference, issues: &issues) else { return nil }
            if token.utf8.count < 16 {
                issues.append(ConfigIssue(at: reference.location,
                    "the signer token \"\(reference.value)\" is too short (\(token.utf8.count) bytes; at least 16)"))
                return nil
            }
            return SAMLSigningIdentity(certificate: certificate, method: .remote(url: url.value, token: token, timeout: signer.timeout))
        }
        let rsaKeys = keys.filter { $0.algorithm == .rs256 }
        let chosen = signing?.key.map { kid in rsaKeys.first { $0.kid == kid.value } } ?? rsaKeys.first
        guard let key = chosen, let privateKey = key.rsaPrivateKey else {
            // A named key that is missing was reported by the validator, an unusable one where it is read.
            if signing?.key == nil, !config.signingKeys.contains(where: { $0.algorithm == .rs256 }) {
                issues.append(ConfigIssue(at: provider.source["id"],
                    "SAML service provider \(provider.id.value) needs an RS256 signing key: add one to signing_keys, or set signing.http_signer"))
            }
            return nil
        }
        if let givenCertificate {
            guard givenCertificate.publicKey.derRepresentation == privateKey.publicKey.derRepresentation else {
                issues.append(ConfigIssue(at: signing?.source["certificate"] ?? location,
                    "the certificate is not for signing key \"\(key.kid)\" (its public key differs)"))
                return nil
            }
            return SAMLSigningIdentity(certificate: givenCertificate, method: .local(LocalRSASigner(key: privateKey)))
        }
        do {
            let certificate = try keyCache.selfSignedCertificate(for: privateKey, commonName: config.issuer?.host ?? config.id.value)
            return SAMLSigningIdentity(certificate: certificate, method: .local(LocalRSASigner(key: privateKey)))
        } catch {
            issues.append(ConfigIssue(at: location, "could not make a certificate for signing key \"\(key.kid)\": \(error)"))
            return nil
        }
    }
}
