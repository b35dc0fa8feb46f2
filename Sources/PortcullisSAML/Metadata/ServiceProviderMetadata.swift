/// What we take from a service provider's metadata file: its entity ID and signing certificate
/// (saml-metadata-2.0-os §2.4.4). The file is parsed like any other SAML input: no DTD, no
/// entities, bounded.
public struct ServiceProviderMetadata: Sendable {
    public let entityID: String
    public let signingCertificate: SAMLCertificate?

    public enum Problem: Error, Sendable, CustomStringConvertible {
        case unreadable(String)
        case certificate(SAMLCertificate.Problem)

        public var description: String {
            switch self {
            case .unreadable(let reason): reason
            case .certificate(let problem): "its signing certificate \(problem)"
            }
        }
    }

    public init(xml: [UInt8]) throws(Problem) {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(xml, limits: .init())
        } catch {
            throw .unreadable("is not usable SAML metadata: \(error)")
        }
        guard let root = document.root, root.isElement("EntityDescriptor", in: SAMLNames.metadataNS),
              let entityID = root.attribute("entityID"), !entityID.isEmpty else {
            throw .unreadable("is not a SAML md:EntityDescriptor with an entityID")
        }
        guard let descriptor = root.children("SPSSODescriptor", in: SAMLNames.metadataNS).first else {
            throw .unreadable("has no md:SPSSODescriptor")
        }
        self.entityID = entityID
        // A KeyDescriptor without `use` serves both signing and encryption.
        let keys = descriptor.children("KeyDescriptor", in: SAMLNames.metadataNS).filter {
            $0.attribute("use") == nil || $0.attribute("use") == "signing"
        }
        let text = keys.lazy.compactMap { key in
            key.children("KeyInfo", in: XMLSignatureAlgorithms.namespace).first?
                .children("X509Data", in: XMLSignatureAlgorithms.namespace).first?
                .children("X509Certificate", in: XMLSignatureAlgorithms.namespace).first?.text
        }.first
        do {
            signingCertificate = try text.map { text throws(SAMLCertificate.Problem) in try SAMLCertificate(base64: text) }
        } catch {
            throw .certificate(error)
        }
    }
}
