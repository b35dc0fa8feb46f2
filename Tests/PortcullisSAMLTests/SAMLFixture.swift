import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisSAML
import Testing
import _CryptoExtras

/// Service providers written as YAML and loaded through the real configuration loader (the example
/// config with its `saml_service_providers` replaced), so tests see what operators write.
enum SAMLFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let issuer = "http://127.0.0.1:8080/acme"
    static let ssoURL = issuer + "/samlp/demo-sp"
    static let acsURL = "http://127.0.0.1:8087/acs"
    static let entityID = "http://127.0.0.1:8087/sp"

    /// The SP's own key and certificate, for signed requests.
    static let spKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let spCertificate = try! SAMLCertificate.selfSigned(key: spKey, commonName: "sp.test")
    static var spCertificatePEM: String {
        let lines = stride(from: 0, to: spCertificate.base64.count, by: 64).map { offset -> String in
            let start = spCertificate.base64.index(spCertificate.base64.startIndex, offsetBy: offset)
            let end = spCertificate.base64.index(start, offsetBy: 64, limitedBy: spCertificate.base64.endIndex) ?? spCertificate.base64.endIndex
            return String(spCertificate.base64[start..<end])
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }

    /// The SP block of the example plus `extra` keys (indented four spaces, one per line), with
    /// another `name_id` (a flow mapping) when given.
    static func provider(_ extra: String = "", nameID: String? = nil, attributes: String = "",
                         files: [String: String] = [:]) async throws -> SAMLServiceProvider {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-saml-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("config"), to: root.appendingPathComponent("config"))
        for (name, text) in files {
            try text.write(toFile: root.appendingPathComponent("config/tenants/\(name)").path, atomically: true, encoding: .utf8)
        }
        let acmePath = root.appendingPathComponent("config/tenants/acme.yaml").path
        var text = try String(contentsOfFile: acmePath, encoding: .utf8)
        let end = try #require(text.range(of: "    assertion_lifetime: 5m\n"))
        text.replaceSubrange(end, with: "    assertion_lifetime: 5m\n" + extra)
        let lastAttribute = try #require(text.range(of: "        friendly_name: name\n"))
        text.replaceSubrange(lastAttribute, with: "        friendly_name: name\n" + attributes)
        if let nameID {
            let block = try #require(text.range(of: "    name_id:\n      format: email\n"))
            text.replaceSubrange(block, with: "    name_id: \(nameID)\n")
        }
        try text.write(toFile: acmePath, atomically: true, encoding: .utf8)
        let result = await ConfigLoader(configDirectory: root.appendingPathComponent("config").path,
                                        secretsPath: repositoryRoot.appendingPathComponent("secrets.example.yaml").path)
            .load(generation: 1)
        let snapshot = try #require(result.snapshot, "\(result.issues)")
        return try #require(snapshot.tenantsByID["acme"]?.samlServiceProviders["demo-sp"])
    }

    static func indented(_ pem: String, by spaces: Int) -> String {
        pem.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n") + "\n"
    }

    /// An AuthnRequest; `attributes` go on the root element.
    static func authnRequest(id: String = SAMLTime.newID(), issuer: String = entityID, instant: Date = Date(),
                             attributes: String = "AssertionConsumerServiceURL=\"\(acsURL)\"", body: String = "") -> String {
        """
        <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
        ID="\(id)" Version="2.0" IssueInstant="\(SAMLTime.string(instant))" \(attributes)>\
        <saml:Issuer>\(issuer)</saml:Issuer>\(body)</samlp:AuthnRequest>
        """
    }

    /// The request as the HTTP-Redirect binding carries it, optionally with a query signature.
    static func redirect(_ xml: String, relayState: String? = "rs", sign: Bool = false,
                         key: _RSA.Signing.PrivateKey = spKey) async throws -> SAMLBindingMessage {
        var query = "SAMLRequest=" + FormEncoding.percentEncoded(Data(SAMLBindingMessage.deflate(Array(xml.utf8))).base64EncodedString())!
        if let relayState { query += "&RelayState=" + FormEncoding.percentEncoded(relayState)! }
        if sign {
            query += "&SigAlg=" + FormEncoding.percentEncoded(SignatureAlgorithm.rsaSHA256.uri)!
            let signature = try LocalRSASigner(key: key).signature(for: Array(query.utf8), algorithm: .rsaSHA256)
            query += "&Signature=" + FormEncoding.percentEncoded(Data(signature).base64EncodedString())!
        }
        return try SAMLBindingMessage.redirect(rawQuery: query, parameter: "SAMLRequest")
    }

    /// The request as the HTTP-POST binding carries it, optionally with an enveloped signature.
    static func post(_ xml: String, sign: Bool = false, key: _RSA.Signing.PrivateKey = spKey) async throws -> SAMLBindingMessage {
        var bytes = Array(xml.utf8)
        if sign {
            let document = try XMLDocument.parse(bytes)
            try await XMLSigner(producer: LocalRSASigner(key: key), certificateDER: nil).sign(try #require(document.root))
            bytes = document.serialized()
        }
        return try SAMLBindingMessage.post(message: Data(bytes).base64EncodedString(), relayState: "rs", parameter: "SAMLRequest")
    }
}
