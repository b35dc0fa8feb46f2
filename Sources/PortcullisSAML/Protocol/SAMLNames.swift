/// SAML 2.0 namespaces, bindings and status codes (saml-core-2.0-os, saml-bindings-2.0-os).
public enum SAMLNames {
    public static let protocolNS = "urn:oasis:names:tc:SAML:2.0:protocol"
    public static let assertionNS = "urn:oasis:names:tc:SAML:2.0:assertion"
    public static let metadataNS = "urn:oasis:names:tc:SAML:2.0:metadata"
    public static let redirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    public static let postBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    public static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    public static let entityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
    public static let passwordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    public static let unspecifiedNameID = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
}

/// A top-level status code with an optional second-level one (saml-core §3.2.2.2).
public struct SAMLStatus: Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let subcode: String?
    public let message: String?

    public init(_ code: String, _ subcode: String? = nil, message: String? = nil) {
        self.code = code
        self.subcode = subcode
        self.message = message
    }

    static let prefix = "urn:oasis:names:tc:SAML:2.0:status:"
    public static let success = SAMLStatus(prefix + "Success")
    public static func requester(_ subcode: String? = nil, _ message: String) -> SAMLStatus {
        SAMLStatus(prefix + "Requester", subcode.map { prefix + $0 }, message: message)
    }
    public static func responder(_ subcode: String? = nil, _ message: String) -> SAMLStatus {
        SAMLStatus(prefix + "Responder", subcode.map { prefix + $0 }, message: message)
    }
    public static func noPassive() -> SAMLStatus { responder("NoPassive", "the user is not signed in and the request is passive") }
    public static func requestDenied(_ message: String) -> SAMLStatus { requester("RequestDenied", message) }
    public static func invalidNameIDPolicy(_ message: String) -> SAMLStatus { requester("InvalidNameIDPolicy", message) }

    public var description: String { ([code, subcode].compactMap { $0 } + [message ?? ""]).joined(separator: " ") }

    /// The Status element.
    var xml: String {
        let inner = subcode.map { "<samlp:StatusCode Value=\"\(XMLText.attribute($0))\"/>" } ?? ""
        let text = message.map { "<samlp:StatusMessage>\(XMLText.content($0))</samlp:StatusMessage>" } ?? ""
        return "<samlp:Status><samlp:StatusCode Value=\"\(XMLText.attribute(code))\">\(inner)</samlp:StatusCode>\(text)</samlp:Status>"
    }
}
