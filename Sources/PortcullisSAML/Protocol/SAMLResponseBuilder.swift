import Foundation
import PortcullisCore

/// Builds the signed `samlp:Response` for a service provider (saml-core §3.3.3, the Web Browser
/// SSO profile's rules in saml-profiles §4.1.4.2): Issuer, Destination, InResponseTo, a bearer
/// SubjectConfirmation bound to the ACS and the request, Conditions with the audience,
/// AuthnStatement with the session, and the mapped attributes. The Assertion is signed first, then
/// the Response (whose signature covers the Assertion's), as the configuration asks.
public struct SAMLResponseBuilder: Sendable {
    public let idpEntityID: String
    public let provider: SAMLServiceProvider
    public let producer: any SignatureProducer

    public init(idpEntityID: String, provider: SAMLServiceProvider, producer: any SignatureProducer) {
        self.idpEntityID = idpEntityID
        self.provider = provider
        self.producer = producer
    }

    /// The login's facts the assertion states.
    public struct Login: Sendable {
        public var profile: SAMLUserProfile
        /// Stable per session and not secret (derived from the session's digest).
        public var sessionIndex: String
        public var authnInstant: Date
        public var sessionNotOnOrAfter: Date?

        public init(profile: SAMLUserProfile, sessionIndex: String, authnInstant: Date, sessionNotOnOrAfter: Date?) {
            self.profile = profile
            self.sessionIndex = sessionIndex
            self.authnInstant = authnInstant
            self.sessionNotOnOrAfter = sessionNotOnOrAfter
        }
    }

    /// The NameID value for this SP: its configured source, or the format's default.
    public func nameID(for profile: SAMLUserProfile) -> String? {
        let config = provider.config.nameID
        if config.format == .transient { return SAMLTime.newID() }
        let source = config.source ?? (config.format == .email ? "email" : "user_id")
        return profile.values(of: source).first
    }

    /// A successful response, as XML bytes.
    public func success(login: Login, destination: String, inResponseTo: String?, now: Date) async throws(SAMLResponseError) -> [UInt8] {
        guard let nameID = nameID(for: login.profile), !nameID.isEmpty else {
            throw .noNameID(provider.config.nameID.source ?? provider.config.nameID.format.rawValue)
        }
        let config = provider.config
        let responseID = SAMLTime.newID()
        let assertionID = SAMLTime.newID()
        let issued = SAMLTime.string(now)
        let notOnOrAfter = SAMLTime.string(now.addingTimeInterval(TimeInterval(config.assertionLifetime.components.seconds)))
        // A minute back, for SPs whose clocks run behind ours.
        let notBefore = SAMLTime.string(now.addingTimeInterval(-60))
        let inResponse = inResponseTo.map { " InResponseTo=\"\(XMLText.attribute($0))\"" } ?? ""
        var attributes = ""
        for attribute in config.attributes {
            let values = login.profile.values(of: attribute.fieldSource)
            guard !values.isEmpty else { continue }
            let friendly = attribute.friendlyName.map { " FriendlyName=\"\(XMLText.attribute($0))\"" } ?? ""
            attributes += "<saml:Attribute Name=\"\(XMLText.attribute(attribute.name))\" NameFormat=\"\(attribute.nameFormat.uri)\"\(friendly)>"
            for value in values {
                attributes += "<saml:AttributeValue xsi:type=\"xs:string\">\(XMLText.content(value))</saml:AttributeValue>"
            }
            attributes += "</saml:Attribute>"
        }
        let attributeStatement = attributes.isEmpty ? "" : "<saml:AttributeStatement>\(attributes)</saml:AttributeStatement>"
        let sessionEnd = login.sessionNotOnOrAfter.map { " SessionNotOnOrAfter=\"\(SAMLTime.string($0))\"" } ?? ""
        let xml = """
            <samlp:Response xmlns:samlp="\(SAMLNames.protocolNS)" xmlns:saml="\(SAMLNames.assertionNS)" \
            ID="\(responseID)" Version="2.0" IssueInstant="\(issued)" Destination="\(XMLText.attribute(destination))"\(inResponse)>\
            <saml:Issuer Format="\(SAMLNames.entityFormat)">\(XMLText.content(idpEntityID))</saml:Issuer>\
            \(SAMLStatus.success.xml)\
            <saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            ID="\(assertionID)" Version="2.0" IssueInstant="\(issued)">\
            <saml:Issuer Format="\(SAMLNames.entityFormat)">\(XMLText.content(idpEntityID))</saml:Issuer>\
            <saml:Subject><saml:NameID Format="\(config.nameID.format.uri)">\(XMLText.content(nameID))</saml:NameID>\
            <saml:SubjectConfirmation Method="\(SAMLNames.bearer)">\
            <saml:SubjectConfirmationData NotOnOrAfter="\(notOnOrAfter)" Recipient="\(XMLText.attribute(destination))"\(inResponse)/>\
            </saml:SubjectConfirmation></saml:Subject>\
            <saml:Conditions NotBefore="\(notBefore)" NotOnOrAfter="\(notOnOrAfter)">\
            <saml:AudienceRestriction><saml:Audience>\(XMLText.content(config.effectiveAudience))</saml:Audience></saml:AudienceRestriction>\
            </saml:Conditions>\
            <saml:AuthnStatement AuthnInstant="\(SAMLTime.string(login.authnInstant))" \
            SessionIndex="\(XMLText.attribute(login.sessionIndex))"\(sessionEnd)>\
            <saml:AuthnContext><saml:AuthnContextClassRef>\(SAMLNames.passwordProtectedTransport)</saml:AuthnContextClassRef></saml:AuthnContext>\
            </saml:AuthnStatement>\(attributeStatement)</saml:Assertion></samlp:Response>
            """
        return try await signed(xml, signAssertion: config.signAssertion, signResponse: config.signResponse)
    }

    /// A response carrying only a status (an error), as XML bytes: signed when responses are.
    public func status(_ status: SAMLStatus, destination: String, inResponseTo: String?,
                       now: Date) async throws(SAMLResponseError) -> [UInt8] {
        let inResponse = inResponseTo.map { " InResponseTo=\"\(XMLText.attribute($0))\"" } ?? ""
        let xml = """
            <samlp:Response xmlns:samlp="\(SAMLNames.protocolNS)" xmlns:saml="\(SAMLNames.assertionNS)" \
            ID="\(SAMLTime.newID())" Version="2.0" IssueInstant="\(SAMLTime.string(now))" \
            Destination="\(XMLText.attribute(destination))"\(inResponse)>\
            <saml:Issuer Format="\(SAMLNames.entityFormat)">\(XMLText.content(idpEntityID))</saml:Issuer>\
            \(status.xml)</samlp:Response>
            """
        return try await signed(xml, signAssertion: false, signResponse: provider.config.signResponse)
    }

    /// A LogoutResponse (saml-core §3.7.2) to the SP's SingleLogoutService; the POST binding signs
    /// it enveloped, the Redirect binding signs the query instead (`signEnveloped: false`).
    public func logoutResponse(status: SAMLStatus, destination: String, inResponseTo: String, now: Date,
                               signEnveloped: Bool) async throws(SAMLResponseError) -> [UInt8] {
        let xml = """
            <samlp:LogoutResponse xmlns:samlp="\(SAMLNames.protocolNS)" xmlns:saml="\(SAMLNames.assertionNS)" \
            ID="\(SAMLTime.newID())" Version="2.0" IssueInstant="\(SAMLTime.string(now))" \
            Destination="\(XMLText.attribute(destination))" InResponseTo="\(XMLText.attribute(inResponseTo))">\
            <saml:Issuer Format="\(SAMLNames.entityFormat)">\(XMLText.content(idpEntityID))</saml:Issuer>\
            \(status.xml)</samlp:LogoutResponse>
            """
        return try await signed(xml, signAssertion: false, signResponse: signEnveloped)
    }

    var signer: XMLSigner {
        XMLSigner(producer: producer, certificateDER: provider.signing.certificate.der,
                  algorithm: provider.signatureAlgorithm, digest: provider.digestAlgorithm)
    }

    func signed(_ xml: String, signAssertion: Bool, signResponse: Bool) async throws(SAMLResponseError) -> [UInt8] {
        do {
            let document = try XMLDocument.parse(Array(xml.utf8))
            guard let root = document.root else { throw SAMLResponseError.signing("empty response") }
            if signAssertion, let assertion = root.children("Assertion", in: SAMLNames.assertionNS).first {
                try await signer.sign(assertion)
            }
            if signResponse { try await signer.sign(root) }
            return document.serialized()
        } catch let error as SAMLResponseError {
            throw error
        } catch let error as XMLSignatureError {
            throw .signing(error.description)
        } catch {
            throw .signing("\(error)")
        }
    }
}

public enum SAMLResponseError: Error, Sendable, CustomStringConvertible {
    case noNameID(String)
    case signing(String)

    public var description: String {
        switch self {
        case .noNameID(let source): "the user has no value for the NameID (\(source))"
        case .signing(let reason): "the response could not be signed: \(reason)"
        }
    }
}
