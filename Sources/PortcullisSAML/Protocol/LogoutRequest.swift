import Foundation
import PortcullisCore

/// The parts of a `samlp:LogoutRequest` (saml-core §3.7.1) the IdP acts on.
public struct LogoutRequest: Sendable, Equatable {
    public var id: String
    public var issuer: String?
    public var issueInstant: Date
    public var destination: String?
    public var nameID: String?
    public var sessionIndexes: [String]
    public var hasXMLSignature: Bool

    public static func parse(_ xml: [UInt8]) throws(SAMLRequestError) -> (LogoutRequest, XMLDocument) {
        let (document, root) = try SAMLMessageHeader.document(xml, root: "LogoutRequest")
        let header = try SAMLMessageHeader(root)
        let request = LogoutRequest(
            id: header.id, issuer: header.issuer, issueInstant: header.issueInstant, destination: header.destination,
            nameID: root.children("NameID", in: SAMLNames.assertionNS).first?.text,
            sessionIndexes: root.children("SessionIndex", in: SAMLNames.protocolNS).map(\.text),
            hasXMLSignature: header.hasSignature)
        return (request, document)
    }
}

extension SAMLRequestCheck {
    /// Accepts a LogoutRequest from this SP: its Issuer, Destination, signature (required when the
    /// SP must sign; a logout request is otherwise a forgeable way to end sessions, so with a
    /// certificate configured an unsigned one is refused too) and IssueInstant.
    public func logoutRequest(_ message: SAMLBindingMessage) throws(SAMLRequestError) -> LogoutRequest {
        let (request, document) = try LogoutRequest.parse(message.xml)
        try checkIssuer(request.issuer)
        if provider.certificate != nil, message.querySignature == nil, !request.hasXMLSignature {
            throw .untrusted("service provider \(provider.id) has a certificate, and this LogoutRequest is not signed")
        }
        try checkSignature(message, document: document, hasXMLSignature: request.hasXMLSignature,
                           destination: request.destination)
        try checkInstant(request.issueInstant)
        return request
    }
}

/// Encodes a message we send with the HTTP-Redirect binding: DEFLATE, base64, the query signed
/// over `SAMLResponse=…&RelayState=…&SigAlg=…` (saml-bindings §3.4.4.1).
public enum SAMLRedirectEncoder {
    public static func url(base: String, parameter: String, xml: [UInt8], relayState: String?,
                           algorithm: SignatureAlgorithm, producer: any SignatureProducer) async throws -> String {
        var query = "\(parameter)=\(encode(Data(SAMLBindingMessage.deflate(xml)).base64EncodedString()))"
        if let relayState { query += "&RelayState=\(encode(relayState))" }
        query += "&SigAlg=\(encode(algorithm.uri))"
        let signature = try await producer.signature(for: Array(query.utf8), algorithm: algorithm)
        query += "&Signature=\(encode(Data(signature).base64EncodedString()))"
        return base + (base.contains("?") ? "&" : "?") + query
    }

    static func encode(_ text: String) -> String { FormEncoding.percentEncoded(text) ?? "" }
}
