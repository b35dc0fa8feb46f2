/// A SAML 2.0 service provider that this tenant's IdP signs users in to. Its `id` names it in the
/// IdP's endpoint paths (`{issuer}/samlp/{id}`, `{issuer}/samlp/metadata/{id}`).
public struct SAMLServiceProviderConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLServiceProvider"
    public static let summary = "A SAML 2.0 service provider."

    public enum SignatureAlgorithm: String, ConfigEnum, ConfigDefault, Sendable {
        case rsaSHA256 = "rsa-sha256", rsaSHA1 = "rsa-sha1"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }
    public enum DigestAlgorithm: String, ConfigEnum, ConfigDefault, Sendable {
        case sha256, sha1
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var id: Identifier
    public var entityID: Located<String>
    public var name: String
    public var assertionConsumerServices: [AssertionConsumerService]
    public var nameID: SAMLNameIDConfig
    public var attributes: [SAMLAttributeConfig]
    public var signResponse: Bool
    public var signAssertion: Bool
    public var signatureAlgorithm: SignatureAlgorithm
    public var digestAlgorithm: DigestAlgorithm
    public var allowSHA1: Bool
    public var certificate: String?
    public var metadataFile: Located<String>?
    public var wantAuthnRequestsSigned: Bool
    public var assertionLifetime: Duration
    public var audience: String?
    public var allowIdPInitiated: Bool
    public var defaultRelayState: String?
    public var singleLogout: SAMLSingleLogoutConfig?
    public var signing: SAMLSigningConfig?
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        id = r.required("id", "Short name of the SP in the IdP's URLs ({issuer}/samlp/ID, {issuer}/samlp/metadata/ID); unique within the tenant.") ?? ""
        entityID = r.required("entity_id", "The SP's entity ID (Issuer of its AuthnRequests, the assertion's audience); unique within the tenant.")
            ?? Located("", at: r.source.object)
        name = r.optional("name", "Display name.") ?? ""
        assertionConsumerServices = r.list("assertion_consumer_services",
            "Where responses may be sent. A request naming any other URL is refused; one without a URL gets the default (the one marked default, else the first).")
        nameID = r.optional("name_id", "The subject's NameID: format and the user field it comes from.") ?? SAMLNameIDConfig()
        attributes = r.list("attributes", "Attributes of the assertion, each from a user field or a metadata path.")
        signResponse = r.value("sign_response", default: true, "Sign the whole Response.")
        signAssertion = r.value("sign_assertion", default: true, "Sign the Assertion (most SPs want this; keep it on unless the SP only checks the Response).")
        signatureAlgorithm = r.value("signature_algorithm", default: .rsaSHA256, "rsa-sha256, or rsa-sha1 for old SPs (needs allow_sha1).")
        digestAlgorithm = r.value("digest_algorithm", default: .sha256, "sha256, or sha1 for old SPs (needs allow_sha1).")
        allowSHA1 = r.value("allow_sha1", default: false,
            "Allow SHA-1 in this SP's signatures (ours, and its signed requests). SHA-1 is broken for collisions; only for SPs that cannot do better.")
        certificate = r.optional("certificate", "The SP's signing certificate (PEM), to verify its signed AuthnRequests and LogoutRequests.")
        metadataFile = r.optional("metadata_file",
            "The SP's metadata XML (path relative to this file): its signing certificate is used when `certificate` is absent.")
        wantAuthnRequestsSigned = r.value("want_authn_requests_signed", default: false,
                                          "Refuse AuthnRequests and LogoutRequests that are not signed by the SP's certificate.")
        assertionLifetime = r.value("assertion_lifetime", default: .seconds(300), "NotOnOrAfter of assertions, from issue time (10s to 1h).")
        audience = r.optional("audience", "AudienceRestriction of assertions, when the SP expects something other than its entity ID.")
        allowIdPInitiated = r.value("allow_idp_initiated", default: false,
            "Answer GET {issuer}/samlp/ID without an AuthnRequest with an unsolicited response (IdP-initiated SSO).")
        defaultRelayState = r.optional("default_relay_state", "RelayState of IdP-initiated responses when the link gives none.")
        singleLogout = r.optional("single_logout", "The SP's SingleLogoutService, where LogoutResponses go.")
        signing = r.optional("signing", "Which key signs for this SP; the tenant's first RS256 signing key when absent.")
        source = r.source
        guard !r.isDescribing else { return }
        if name.isEmpty { name = entityID.value }
        if !r.has("assertion_consumer_services") {
            r.report("assertion_consumer_services", "is required")
        } else if assertionConsumerServices.isEmpty {
            r.report("assertion_consumer_services", "must list at least one endpoint")
        }
        if assertionConsumerServices.filter(\.isDefault).count > 1 {
            r.report("assertion_consumer_services", "only one endpoint can be the default")
        }
        var indexes: Set<Int> = []
        for service in assertionConsumerServices {
            if let index = service.index, !indexes.insert(index).inserted {
                r.context.report(service.source["index"], "duplicate index \(index)")
            }
        }
        if wantAuthnRequestsSigned, certificate == nil, metadataFile == nil {
            r.report("want_authn_requests_signed", "needs `certificate` or `metadata_file` to verify request signatures")
        }
        if let certificate, !certificate.contains("-----BEGIN CERTIFICATE-----") {
            r.report("certificate", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        if !allowSHA1, signatureAlgorithm == .rsaSHA1 {
            r.report("signature_algorithm", "rsa-sha1 needs allow_sha1: true (SHA-1 is broken for collisions)")
        }
        if !allowSHA1, digestAlgorithm == .sha1 {
            r.report("digest_algorithm", "sha1 needs allow_sha1: true (SHA-1 is broken for collisions)")
        }
        if !(10...3600).contains(assertionLifetime.components.seconds) {
            r.report("assertion_lifetime", "must be between 10s and 1h")
        }
        if !signResponse, !signAssertion {
            r.report("sign_assertion", "at least one of sign_response and sign_assertion must be true: an unsigned assertion proves nothing")
        }
        var names: Set<String> = []
        for attribute in attributes where !attribute.name.isEmpty {
            if !names.insert(attribute.name).inserted {
                r.context.report(attribute.source["name"], "duplicate attribute name \"\(attribute.name)\"")
            }
        }
    }

    /// The endpoint used when a request names none: the one marked default, else the first.
    public var defaultAssertionConsumerService: AssertionConsumerService? {
        assertionConsumerServices.first(where: \.isDefault) ?? assertionConsumerServices.first
    }

    /// The audience assertions are restricted to.
    public var effectiveAudience: String { audience ?? entityID.value }
}

/// An AssertionConsumerService endpoint of a service provider.
public struct AssertionConsumerService: ConfigObject, Hashable {
    public static let definitionName = "AssertionConsumerService"
    public static let summary = "An AssertionConsumerService endpoint."

    public enum Binding: String, ConfigEnum, ConfigDefault, Sendable {
        case httpPost = "http-post"
        public var defaultJSON: JSONValue { .string(rawValue) }
        public var uri: String { "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" }
    }

    public var url: Located<AbsoluteURL>?
    public var binding: Binding
    public var index: Int?
    public var isDefault: Bool
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        url = r.required("url", "Endpoint URL, matched exactly.")
        binding = r.value("binding", default: .httpPost,
            "http-post: the only binding for responses (the Web Browser SSO profile forbids HTTP-Redirect for them, SAML profiles §4.1.2).")
        index = r.optional("index", "AssertionConsumerServiceIndex requests may use instead of the URL.")
        isDefault = r.value("default", default: false, "Use this endpoint when a request names none.")
        source = r.source
        guard !r.isDescribing else { return }
        if let index, !(0...65535).contains(index) { r.report("index", "must be between 0 and 65535") }
    }
}
