import CompressNIO
import Foundation
import NIOCore
import PortcullisCore

/// A SAML protocol message as a binding delivered it (saml-bindings-2.0-os §3.4, §3.5): the XML,
/// the RelayState, and for HTTP-Redirect the query signature and the exact octets it covers.
public struct SAMLBindingMessage: Sendable {
    public enum Binding: String, Sendable { case redirect = "HTTP-Redirect", post = "HTTP-POST" }

    public let binding: Binding
    public let xml: [UInt8]
    public let relayState: String?
    /// HTTP-Redirect only: `SigAlg` and the decoded `Signature`, and the signed octets
    /// `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as they appeared in the URL (§3.4.4.1).
    public let querySignature: QuerySignature?

    public struct QuerySignature: Sendable {
        public let algorithm: String
        public let signature: [UInt8]
        public let signedOctets: [UInt8]
    }

    /// Bounds: a compressed request larger than this is not a login request; inflated, XML
    /// parsing has its own limit, and inflating stops there (no DEFLATE bomb).
    public static let maxEncodedBytes = 64 * 1024
    public static let maxXMLBytes = 256 * 1024
    /// RelayState "MUST NOT exceed 80 bytes" (§3.4.3); SPs exceed it, so we allow some more.
    public static let maxRelayStateBytes = 1024

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(String)
        case tooLarge(String)
        case notBase64(String)
        case notDeflate
        case duplicate(String)
        case relayStateTooLong

        public var description: String {
            switch self {
            case .missing(let name): "the request has no \(name)"
            case .tooLarge(let name): "\(name) is too large"
            case .notBase64(let name): "\(name) is not base64"
            case .notDeflate: "SAMLRequest is not DEFLATE-compressed (HTTP-Redirect binding)"
            case .duplicate(let name): "\(name) appears more than once"
            case .relayStateTooLong: "RelayState is longer than \(SAMLBindingMessage.maxRelayStateBytes) bytes"
            }
        }
    }

    /// The HTTP-Redirect binding, from the raw (still percent-encoded) query string.
    /// `parameter` is `SAMLRequest` or `SAMLResponse`.
    public static func redirect(rawQuery: String, parameter: String) throws(Problem) -> SAMLBindingMessage {
        guard rawQuery.utf8.count <= maxEncodedBytes * 2 else { throw .tooLarge("the query") }
        var raw: [String: String] = [:]
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(String(parts[0])) ?? String(parts[0])
            guard [parameter, "RelayState", "SigAlg", "Signature"].contains(name) else { continue }
            guard raw[name] == nil else { throw .duplicate(name) }
            raw[name] = parts.count > 1 ? String(parts[1]) : ""
        }
        guard let encodedMessage = raw[parameter], let message = decode(encodedMessage), !message.isEmpty else {
            throw .missing(parameter)
        }
        guard message.utf8.count <= maxEncodedBytes else { throw .tooLarge(parameter) }
        guard let compressed = Data(base64Encoded: message, options: .ignoreUnknownCharacters) else {
            throw .notBase64(parameter)
        }
        let xml = try inflate(Array(compressed))
        let relayState = try raw["RelayState"].map { value throws(Problem) -> String in
            let decoded = decode(value) ?? ""
            guard decoded.utf8.count <= maxRelayStateBytes else { throw .relayStateTooLong }
            return decoded
        }
        var querySignature: QuerySignature?
        if let encodedSignature = raw["Signature"] {
            guard let algorithm = raw["SigAlg"].flatMap(decode), !algorithm.isEmpty else { throw .missing("SigAlg") }
            guard let signatureText = decode(encodedSignature),
                  let signature = Data(base64Encoded: signatureText, options: .ignoreUnknownCharacters) else {
                throw .notBase64("Signature")
            }
            var octets = "\(parameter)=\(encodedMessage)"
            if let relay = raw["RelayState"] { octets += "&RelayState=\(relay)" }
            octets += "&SigAlg=\(raw["SigAlg"] ?? "")"
            querySignature = QuerySignature(algorithm: algorithm, signature: Array(signature), signedOctets: Array(octets.utf8))
        }
        return SAMLBindingMessage(binding: .redirect, xml: xml, relayState: relayState, querySignature: querySignature)
    }

    /// The HTTP-POST binding, from the decoded form fields.
    public static func post(message: String?, relayState: String?, parameter: String) throws(Problem) -> SAMLBindingMessage {
        guard let message, !message.isEmpty else { throw .missing(parameter) }
        guard message.utf8.count <= maxXMLBytes * 4 / 3 + 4 else { throw .tooLarge(parameter) }
        guard let xml = Data(base64Encoded: message, options: .ignoreUnknownCharacters) else { throw .notBase64(parameter) }
        if let relayState, relayState.utf8.count > maxRelayStateBytes { throw .relayStateTooLong }
        return SAMLBindingMessage(binding: .post, xml: Array(xml), relayState: relayState, querySignature: nil)
    }

    /// Raw DEFLATE (RFC 1951, no zlib header) as the Redirect binding uses, bounded.
    static func inflate(_ bytes: [UInt8]) throws(Problem) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            let inflated = try buffer.decompress(with: .deflate(), maxSize: maxXMLBytes)
            return Array(inflated.readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge("the inflated SAMLRequest")
        } catch {
            throw .notDeflate
        }
    }

    /// Raw DEFLATE of `bytes`, for messages we send with the Redirect binding.
    public static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        guard let compressed = try? buffer.compress(with: .deflate()) else { return [] }
        return Array(compressed.readableBytesView)
    }

    static func decode(_ component: String) -> String? { FormEncoding.decode(component) }
}
