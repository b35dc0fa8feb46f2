/// The user fields a SAML NameID or attribute may come from (besides `app_metadata.*` and
/// `user_metadata.*` paths).
public enum SAMLUserField {
    public static let names = ["email", "name", "given_name", "family_name", "nickname", "picture", "user_id",
                               "email_verified", "roles"]

    /// Whether `source` is a user field or a metadata path (`app_metadata.a.b`, `user_metadata.x`).
    public static func isValid(_ source: String) -> Bool {
        if names.contains(source) { return true }
        for prefix in ["app_metadata.", "user_metadata."] where source.hasPrefix(prefix) {
            let path = source.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
            return !path.isEmpty && path.allSatisfy { !$0.isEmpty }
        }
        return false
    }

    static let rule = "a user field (\(names.joined(separator: ", "))) or app_metadata.PATH / user_metadata.PATH"
}

/// The subject's NameID.
public struct SAMLNameIDConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLNameID"
    public static let summary = "Format and source of the subject's NameID."

    public enum Format: String, ConfigEnum, ConfigDefault, Sendable {
        case email, persistent, transient, unspecified
        public var defaultJSON: JSONValue { .string(rawValue) }

        public var uri: String {
            switch self {
            case .email: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
            case .persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
            case .transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
            case .unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
            }
        }
    }

    public var format: Format
    /// The user field the value comes from; nil: email for `email`, user_id for `persistent` and
    /// `unspecified`, a fresh random value per response for `transient`.
    public var source: String?
    public var sourceMap: SourceMap

    public init() {
        format = .email
        source = nil
        sourceMap = SourceMap(object: SourceLocation(file: "", line: 0, column: 0, path: ""))
    }

    public init(reading r: ObjectReader) {
        format = r.value("format", default: .email, "email, persistent (stable and opaque), transient (new each time) or unspecified.")
        source = r.optional("source", "User field of the value: \(SAMLUserField.rule). Default: email for email, user_id otherwise; transient values are random.")
        sourceMap = r.source
        guard !r.isDescribing else { return }
        if let source, !SAMLUserField.isValid(source) || source == "roles" {
            r.report("source", "\"\(source)\" is not a single-valued user field (\(SAMLUserField.rule))")
        }
        if format == .transient, source != nil { r.report("source", "a transient NameID is random; it takes no source") }
    }
}

/// One attribute of the assertion's AttributeStatement.
public struct SAMLAttributeConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLAttribute"
    public static let summary = "A SAML attribute and the user field it is taken from."

    public enum NameFormat: String, ConfigEnum, ConfigDefault, Sendable {
        case basic, uri, unspecified
        public var defaultJSON: JSONValue { .string(rawValue) }
        public var uri: String { "urn:oasis:names:tc:SAML:2.0:attrname-format:\(rawValue)" }
    }

    public var name: String
    public var fieldSource: String
    public var nameFormat: NameFormat
    public var friendlyName: String?
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "The attribute's Name (e.g. email, or urn:oid:0.9.2342.19200300.100.1.3 with name_format: uri).") ?? ""
        fieldSource = r.required("source", "Where the value comes from: \(SAMLUserField.rule). Absent values leave the attribute out.") ?? ""
        nameFormat = r.value("name_format", default: .basic, "basic, uri or unspecified.")
        friendlyName = r.optional("friendly_name", "The attribute's FriendlyName.")
        source = r.source
        guard !r.isDescribing, !fieldSource.isEmpty else { return }
        if !SAMLUserField.isValid(fieldSource) {
            var message = "unknown source \"\(fieldSource)\" (\(SAMLUserField.rule))"
            if let near = Suggestion.closest(to: fieldSource, among: SAMLUserField.names) { message += "; did you mean \"\(near)\"?" }
            r.report("source", message)
        }
    }
}

/// The SP's SingleLogoutService.
public struct SAMLSingleLogoutConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLSingleLogout"
    public static let summary = "Where LogoutResponses to the service provider go."

    public enum Binding: String, ConfigEnum, ConfigDefault, Sendable {
        case httpRedirect = "http-redirect", httpPost = "http-post"
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var url: Located<AbsoluteURL>?
    public var binding: Binding

    public init(reading r: ObjectReader) {
        url = r.required("url", "The SP's SingleLogoutService URL.")
        binding = r.value("binding", default: .httpRedirect, "http-redirect (query signature) or http-post (enveloped signature).")
    }
}

/// The key that signs for one service provider.
public struct SAMLSigningConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLSigning"
    public static let summary = "The key that signs responses for a service provider: a tenant signing key or an HTTP signer."

    public var key: Identifier?
    public var certificate: String?
    public var httpSigner: SAMLHTTPSignerConfig?
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        key = r.optional("key", "kid of one of the tenant's RS256 signing_keys. Default: the tenant's first RS256 key.")
        certificate = r.optional("certificate",
            "The key's X.509 certificate (PEM), published in the metadata. Without it a self-signed certificate is made from the key.")
        httpSigner = r.optional("http_signer", "Sign through a signing service (a key in an HSM or KMS) instead of a local key.")
        source = r.source
        guard !r.isDescribing else { return }
        if httpSigner != nil, key != nil { r.report("key", "use either key or http_signer, not both") }
        if httpSigner != nil, certificate == nil {
            r.report("certificate", "an http_signer needs the certificate of its key: the SP verifies with it")
        }
        if let certificate, !certificate.contains("-----BEGIN CERTIFICATE-----") {
            r.report("certificate", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
    }
}

/// A signing service holding the private key: Portcullis posts the SignedInfo digest, it answers
/// the RSA signature (the request and response are in docs/saml.md).
public struct SAMLHTTPSignerConfig: ConfigObject, Hashable {
    public static let definitionName = "SAMLHTTPSigner"
    public static let summary = "A remote signing service for SAML signatures."

    public var url: Located<AbsoluteURL>?
    public var token: Located<String>?
    public var timeout: Duration

    public init(reading r: ObjectReader) {
        url = r.required("url", "The signing service's endpoint (https, or http on loopback).")
        token = r.required("token", "Key of the secrets-file entry with the bearer token sent to the service.")
        timeout = r.value("timeout", default: .seconds(5), "How long to wait for a signature.")
    }
}
