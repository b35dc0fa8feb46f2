/// A token signing key. The private key is a PEM in the secrets file; config only names it.
public struct SigningKeyConfig: ConfigObject, Hashable {
    public static let definitionName = "SigningKey"
    public static let summary = "A signing key, referenced from the secrets file."

    public enum Algorithm: String, ConfigEnum, Sendable {
        case rs256 = "RS256", es256 = "ES256", eddsa = "EdDSA"
    }
    public enum Status: String, ConfigEnum, ConfigDefault, Sendable {
        /// Signs new tokens.
        case active
        /// Only published in the JWKS: the next key before it becomes active, or the previous one
        /// until tokens it signed have expired.
        case published
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var kid: Identifier
    public var algorithm: Algorithm
    public var secret: Located<String>?
    public var status: Status
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        kid = r.required("kid", "Key id, published in the JWKS and in token headers; unique within the tenant.") ?? ""
        algorithm = r.required("algorithm", "RS256 (RSA ≥ 2048 bits), ES256 (P-256) or EdDSA (Ed25519).") ?? .rs256
        secret = r.required("secret", "Key of the secrets-file entry that holds the PKCS#8 (or traditional) PEM private key.")
        status = r.value("status", default: .active, "active (signs; at most one active key per algorithm) or published (only in the JWKS).")
        source = r.source
    }
}
