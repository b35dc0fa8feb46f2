import Foundation

/// The parts of a `samlp:AuthnRequest` (saml-core §3.4.1) the IdP acts on. Parsing checks shape
/// only; ``SAMLRequestCheck`` decides whether the request is acceptable for a service provider.
public struct AuthnRequest: Sendable, Equatable {
    public var id: String
    public var issuer: String?
    public var issueInstant: Date
    public var destination: String?
    public var assertionConsumerServiceURL: String?
    public var assertionConsumerServiceIndex: Int?
    public var protocolBinding: String?
    public var forceAuthn: Bool
    public var isPassive: Bool
    public var nameIDPolicyFormat: String?
    /// Whether the XML carries an enveloped signature (verified by ``SAMLRequestCheck``).
    public var hasXMLSignature: Bool

    /// Reads the request from its XML. The document is parsed safely (no DTD, no entities, bounded).
    public static func parse(_ xml: [UInt8]) throws(SAMLRequestError) -> (AuthnRequest, XMLDocument) {
        let (document, root) = try SAMLMessageHeader.document(xml, root: "AuthnRequest")
        return (try AuthnRequest(root), document)
    }

    init(_ root: XMLElement) throws(SAMLRequestError) {
        let common = try SAMLMessageHeader(root)
        id = common.id
        issuer = common.issuer
        issueInstant = common.issueInstant
        destination = common.destination
        hasXMLSignature = common.hasSignature
        assertionConsumerServiceURL = root.attribute("AssertionConsumerServiceURL")
        if let index = root.attribute("AssertionConsumerServiceIndex") {
            guard let value = Int(index), (0...65535).contains(value) else {
                throw .malformed("AssertionConsumerServiceIndex is not an unsigned short")
            }
            assertionConsumerServiceIndex = value
        }
        if assertionConsumerServiceURL != nil, assertionConsumerServiceIndex != nil {
            // saml-core §3.4.1: the two are mutually exclusive.
            throw .malformed("AssertionConsumerServiceURL and AssertionConsumerServiceIndex are both present")
        }
        protocolBinding = root.attribute("ProtocolBinding")
        forceAuthn = try Self.boolean(root.attribute("ForceAuthn"), "ForceAuthn")
        isPassive = try Self.boolean(root.attribute("IsPassive"), "IsPassive")
        nameIDPolicyFormat = root.children("NameIDPolicy", in: SAMLNames.protocolNS).first?.attribute("Format")
    }

    static func boolean(_ value: String?, _ name: String) throws(SAMLRequestError) -> Bool {
        switch value {
        case nil, "false", "0": false
        case "true", "1": true
        default: throw .malformed("\(name) is not a boolean")
        }
    }
}

/// What every SAML request shares (saml-core §3.2.1): ID, Version, IssueInstant, Destination,
/// Issuer, and whether it is signed.
struct SAMLMessageHeader {
    /// Parses a protocol message safely and checks its root is `samlp:NAME`.
    static func document(_ xml: [UInt8], root name: String) throws(SAMLRequestError) -> (XMLDocument, XMLElement) {
        let document: XMLDocument
        do {
            document = try XMLDocument.parse(xml)
        } catch {
            throw .malformed("\(error)")
        }
        guard let root = document.root, root.isElement(name, in: SAMLNames.protocolNS) else {
            throw .malformed("the message is not a samlp:\(name)")
        }
        return (document, root)
    }

    var id: String
    var issuer: String?
    var issueInstant: Date
    var destination: String?
    var hasSignature: Bool

    init(_ root: XMLElement) throws(SAMLRequestError) {
        guard let id = root.attribute("ID"), !id.isEmpty, id.utf8.count <= 256 else { throw .malformed("the request has no ID") }
        guard root.attribute("Version") == "2.0" else { throw .malformed("Version is not 2.0") }
        guard let instant = root.attribute("IssueInstant").flatMap(SAMLTime.date) else {
            throw .malformed("IssueInstant is missing or not a dateTime")
        }
        self.id = id
        issueInstant = instant
        destination = root.attribute("Destination")
        let issuers = root.children("Issuer", in: SAMLNames.assertionNS)
        guard issuers.count <= 1 else { throw .malformed("more than one Issuer") }
        if let issuer = issuers.first {
            if let format = issuer.attribute("Format"), format != SAMLNames.entityFormat {
                throw .malformed("the Issuer's Format is not entity")
            }
            self.issuer = issuer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        hasSignature = !root.children("Signature", in: XMLSignatureAlgorithms.namespace).isEmpty
    }
}

/// Why a request was refused. `untrusted` problems are shown on an error page (the request cannot
/// be answered safely: its sender or return address is not established); `status` problems are
/// answered to the SP's registered endpoint as a SAML status.
public enum SAMLRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case untrusted(String)
    case status(SAMLStatus)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed request: \(reason)"
        case .untrusted(let reason): reason
        case .status(let status): status.description
        }
    }
}
