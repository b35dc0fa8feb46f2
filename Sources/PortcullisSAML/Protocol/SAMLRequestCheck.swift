import Crypto
import Foundation
import PortcullisCore
import _CryptoExtras

/// Decides whether a request from a service provider may be answered, and where to: the SP is the
/// one the URL names, the Issuer must be its entity ID, the return address one of its registered
/// endpoints (an unregistered one is refused, never replaced by the default), the signature valid
/// when present (and present when the SP must sign), the Destination ours, the IssueInstant recent.
public struct SAMLRequestCheck: Sendable {
    public let provider: SAMLServiceProvider
    /// The URL this request was sent to (`{issuer}/samlp/{sp}` or its logout endpoint).
    public let endpointURL: String
    public let now: Date
    /// How old an IssueInstant may be: long enough for a user to sign in on the way (the request
    /// is checked again when the login page sends the browser back), short enough to bound replay.
    public static let maxAge: TimeInterval = 600
    /// How far ahead of our clock an SP's may run.
    public static let maxSkew: TimeInterval = 300

    public init(provider: SAMLServiceProvider, endpointURL: String, now: Date) {
        self.provider = provider
        self.endpointURL = endpointURL
        self.now = now
    }

    /// A trusted AuthnRequest and the endpoint its response goes to; `refusal` is the status to
    /// answer there when the request is the SP's but cannot be granted.
    public struct Accepted: Sendable {
        public let request: AuthnRequest
        public let assertionConsumerService: String
        public let refusal: SAMLStatus?
    }

    /// - Throws: for requests that cannot be answered to the SP (malformed, not the SP's, an
    ///   unregistered endpoint, a bad signature): shown on an error page, never sent anywhere.
    public func authnRequest(_ message: SAMLBindingMessage) throws(SAMLRequestError) -> Accepted {
        let (request, document) = try AuthnRequest.parse(message.xml)
        try checkIssuer(request.issuer)
        let acs = try assertionConsumerService(for: request)
        try checkSignature(message, document: document, hasXMLSignature: request.hasXMLSignature,
                           destination: request.destination)
        // From here the request is the SP's and its endpoint registered: problems are answered there.
        var refusal: SAMLStatus?
        do {
            try checkInstant(request.issueInstant)
        } catch {
            if case .status(let status) = error { refusal = status }
        }
        if refusal == nil, let format = request.nameIDPolicyFormat, format != SAMLNames.unspecifiedNameID,
           format != provider.config.nameID.format.uri {
            refusal = .invalidNameIDPolicy("this service provider's NameID format is \(provider.config.nameID.format.uri)")
        }
        return Accepted(request: request, assertionConsumerService: acs, refusal: refusal)
    }

    func checkIssuer(_ issuer: String?) throws(SAMLRequestError) {
        guard let issuer else { throw .untrusted("the request has no Issuer") }
        guard issuer == provider.config.entityID.value else {
            throw .untrusted("the request's Issuer \"\(issuer.prefix(200))\" is not the entity ID of service provider \(provider.id)")
        }
    }

    func assertionConsumerService(for request: AuthnRequest) throws(SAMLRequestError) -> String {
        if let binding = request.protocolBinding, binding != SAMLNames.postBinding {
            throw .untrusted("ProtocolBinding \(binding.prefix(120)) is not supported; responses are sent with HTTP-POST")
        }
        let services = provider.config.assertionConsumerServices
        if let url = request.assertionConsumerServiceURL {
            guard let service = services.first(where: { $0.url?.value.text == url }), let registered = service.url else {
                throw .untrusted("AssertionConsumerServiceURL \(url.prefix(200)) is not registered for service provider \(provider.id)")
            }
            return registered.value.text
        }
        if let index = request.assertionConsumerServiceIndex {
            guard let service = services.first(where: { $0.index == index }), let registered = service.url else {
                throw .untrusted("AssertionConsumerServiceIndex \(index) is not registered for service provider \(provider.id)")
            }
            return registered.value.text
        }
        guard let fallback = provider.config.defaultAssertionConsumerService?.url else {
            throw .untrusted("service provider \(provider.id) has no AssertionConsumerService")
        }
        return fallback.value.text
    }

    /// The query signature (Redirect) or the enveloped one (POST). A signed message must name our
    /// endpoint as its Destination (saml-bindings §3.4.5.2, §3.5.5.2); any message that names a
    /// Destination must name ours.
    func checkSignature(_ message: SAMLBindingMessage, document: XMLDocument, hasXMLSignature: Bool,
                        destination: String?) throws(SAMLRequestError) {
        let signed = message.querySignature != nil || hasXMLSignature
        if let destination, destination != endpointURL {
            throw .untrusted("the request's Destination \(destination.prefix(200)) is not this endpoint (\(endpointURL))")
        }
        guard signed else {
            if provider.config.wantAuthnRequestsSigned {
                throw .untrusted("service provider \(provider.id) must sign its requests, and this one is not signed")
            }
            return
        }
        guard destination != nil else { throw .untrusted("a signed request must name its Destination") }
        guard let key = provider.certificate?.publicKey else {
            throw .untrusted("the request is signed, but service provider \(provider.id) has no certificate to verify it with")
        }
        if let query = message.querySignature {
            try Self.verifyQuery(query, key: key, allowSHA1: provider.config.allowSHA1)
        } else if let root = document.root {
            do {
                try XMLSignatureVerifier(allowSHA1: provider.config.allowSHA1).verify(root, key: key)
            } catch {
                throw .untrusted("the request's signature is not valid: \(error)")
            }
        }
    }

    /// Verifies an HTTP-Redirect query signature over its exact octets.
    public static func verifyQuery(_ query: SAMLBindingMessage.QuerySignature, key: _RSA.Signing.PublicKey,
                                   allowSHA1: Bool) throws(SAMLRequestError) {
        guard let algorithm = SignatureAlgorithm(uri: query.algorithm), algorithm == .rsaSHA256 || allowSHA1 else {
            throw .untrusted("SigAlg \(query.algorithm.prefix(100)) is not accepted")
        }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: query.signature)
        let valid = switch algorithm {
        case .rsaSHA256: key.isValidSignature(signature, for: SHA256.hash(data: query.signedOctets), padding: .insecurePKCS1v1_5)
        case .rsaSHA1: key.isValidSignature(signature, for: Insecure.SHA1.hash(data: query.signedOctets), padding: .insecurePKCS1v1_5)
        }
        guard valid else { throw .untrusted("the request's query signature is not valid") }
    }

    func checkInstant(_ instant: Date) throws(SAMLRequestError) {
        let age = now.timeIntervalSince(instant)
        guard age <= Self.maxAge else {
            throw .status(.requestDenied("the request's IssueInstant is more than \(Int(Self.maxAge / 60)) minutes old"))
        }
        guard -age <= Self.maxSkew else {
            throw .status(.requestDenied("the request's IssueInstant is more than \(Int(Self.maxSkew / 60)) minutes in the future"))
        }
    }
}
