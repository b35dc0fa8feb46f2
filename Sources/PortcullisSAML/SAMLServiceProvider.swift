import Foundation
import PortcullisCore

/// A service provider as the IdP serves it: its configuration, the certificate its signed requests
/// are verified with, and the identity that signs for it. Built with the config snapshot, so a bad
/// certificate or metadata file is a config error, never a failure at login.
public struct SAMLServiceProvider: Sendable {
    public let config: SAMLServiceProviderConfig
    /// The SP's signing certificate (inline or from its metadata file), if any.
    public let certificate: SAMLCertificate?
    public let signing: SAMLSigningIdentity

    public init(config: SAMLServiceProviderConfig, certificate: SAMLCertificate?, signing: SAMLSigningIdentity) {
        self.config = config
        self.certificate = certificate
        self.signing = signing
    }

    public var id: String { config.id.value }

    /// The algorithms this SP's signatures (ours and its) use and accept.
    public var signatureAlgorithm: SignatureAlgorithm { config.signatureAlgorithm == .rsaSHA1 ? .rsaSHA1 : .rsaSHA256 }
    public var digestAlgorithm: DigestAlgorithm { config.digestAlgorithm == .sha1 ? .sha1 : .sha256 }
}

/// The IdP's signing certificate for a service provider and who makes its signatures.
public struct SAMLSigningIdentity: Sendable {
    public enum Method: Sendable {
        case local(LocalRSASigner)
        /// A signing service; the HTTP layer turns this into a ``SignatureProducer``.
        case remote(url: AbsoluteURL, token: String, timeout: Duration)
    }

    public let certificate: SAMLCertificate
    public let method: Method

    public init(certificate: SAMLCertificate, method: Method) {
        self.certificate = certificate
        self.method = method
    }
}
