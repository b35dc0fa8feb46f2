/// A SAML 2.0 service provider that this tenant's IdP signs users in to.
public struct SAMLServiceProviderConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLServiceProvider"
    public static let summary = "A SAML 2.0 service provider."

    public enum NameIDFormat: String, ConfigEnum, ConfigDefault, Sendable {
        case email, persistent, transient, unspecified
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var entityID: Located<String>
    public var name: String
    public var assertionConsumerServices: [AssertionConsumerService]
    public var singleLogoutURL: Located<AbsoluteURL>?
    public var certificate: String?
    public var nameIDFormat: NameIDFormat
    public var signAssertions: Bool
    public var signResponse: Bool
    public var wantAuthnRequestsSigned: Bool
    public var assertionLifetime: Duration
    public var attributes: [String: String]
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        entityID = r.required("entity_id", "The SP's entity ID (Issuer of its AuthnRequests); unique within the tenant.")
            ?? Located("", at: r.source.object)
        name = r.optional("name", "Display name.") ?? ""
        assertionConsumerServices = r.list("assertion_consumer_services", "Where responses may be sent; the first is the default.")
        singleLogoutURL = r.optional("single_logout_url", "The SP's SingleLogoutService URL.")
        certificate = r.optional("certificate", "The SP's signing certificate (PEM), to verify signed AuthnRequests.")
        nameIDFormat = r.value("name_id_format", default: .email, "NameID format of the subject.")
        signAssertions = r.value("sign_assertions", default: true, "Sign the Assertion.")
        signResponse = r.value("sign_response", default: false, "Sign the whole Response.")
        wantAuthnRequestsSigned = r.value("want_authn_requests_signed", default: false,
                                          "Refuse AuthnRequests that are not signed with `certificate`.")
        assertionLifetime = r.value("assertion_lifetime", default: .seconds(300), "NotOnOrAfter of assertions, from issue time.")
        attributes = r.optional("attributes", "SAML attribute name → user field (email, name, given_name, family_name, user_id, roles).") ?? [:]
        source = r.source
        guard !r.isDescribing else { return }
        if name.isEmpty { name = entityID.value }
        if r.has("assertion_consumer_services"), assertionConsumerServices.isEmpty {
            r.report("assertion_consumer_services", "must list at least one endpoint")
        } else if !r.has("assertion_consumer_services") {
            r.report("assertion_consumer_services", "is required")
        }
        if wantAuthnRequestsSigned, certificate == nil {
            r.report("want_authn_requests_signed", "needs `certificate` to verify request signatures")
        }
        if let certificate, !certificate.contains("-----BEGIN CERTIFICATE-----") {
            r.report("certificate", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        let fields = ["email", "name", "given_name", "family_name", "user_id", "roles", "email_verified", "picture"]
        for (attribute, field) in attributes.sorted(by: { $0.key < $1.key }) where !fields.contains(field) {
            r.report("attributes", "attribute \(attribute) maps to unknown user field \"\(field)\" (known: \(fields.joined(separator: ", ")))")
        }
    }
}

public struct AssertionConsumerService: ConfigObject, Hashable {
    public static let definitionName = "AssertionConsumerService"
    public static let summary = "An AssertionConsumerService endpoint."

    public enum Binding: String, ConfigEnum, ConfigDefault, Sendable {
        case httpPost = "http-post", httpRedirect = "http-redirect"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var url: Located<AbsoluteURL>?
    public var binding: Binding

    public init(reading r: ObjectReader) {
        url = r.required("url", "Endpoint URL.")
        binding = r.value("binding", default: .httpPost, "http-post (the usual) or http-redirect.")
    }
}
