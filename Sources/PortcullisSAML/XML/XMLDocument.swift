internal import CLibXML2
import Foundation

/// A parsed XML document, read safely (libxml2, written for SAML messages).
///
/// libxml2 through a system-library target: FoundationXML resolves external entities, and no
/// package in our mirror parses and canonicalizes XML. Parsing never touches the network
/// (`XML_PARSE_NONET`), never loads a DTD or substitutes entities (no `XML_PARSE_DTDLOAD`,
/// `XML_PARSE_NOENT`), and refuses any DOCTYPE outright — before parsing, so an entity bomb is never
/// even read, and again after, from the parsed tree. Size, depth and node count are bounded.
///
/// Not `Sendable`: a document belongs to the request that parsed it.
public final class XMLDocument {
    public struct Limits: Sendable {
        public var maxBytes = 256 * 1024
        public var maxDepth = 48
        public var maxNodes = 20_000
        public init() {}
    }

    let pointer: xmlDocPtr

    private init(_ pointer: xmlDocPtr) { self.pointer = pointer }
    deinit { xmlFreeDoc(pointer) }

    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(XMLError) -> XMLDocument {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(limit: limits.maxBytes) }
        // UTF-16 (a BOM or NUL bytes) could hide a DOCTYPE from the byte scan below; SAML
        // messages are UTF-8.
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.contains(0) { throw .notUTF8 }
        if contains(bytes, "<!DOCTYPE") || contains(bytes, "<!ENTITY") { throw .doctype }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(buffer.count), "message.xml", "UTF-8", options)
                }
            } ?? nil
        }
        guard let parsed else {
            let reason = xmlGetLastError().flatMap { error in error.pointee.message.map { String(cString: $0) } }
            throw .malformed(reason?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200).description ?? "unreadable")
        }
        let document = XMLDocument(parsed)
        guard parsed.pointee.intSubset == nil, parsed.pointee.extSubset == nil else { throw .doctype }
        guard let root = document.root else { throw .malformed("no root element") }
        var count = 0
        try check(root.pointer, depth: 1, count: &count, limits: limits)
        return document
    }

    /// The root element.
    public var root: XMLElement? {
        xmlDocGetRootElement(pointer).map { XMLElement(pointer: $0, document: self) }
    }

    private static func check(_ node: xmlNodePtr, depth: Int, count: inout Int, limits: Limits) throws(XMLError) {
        guard depth <= limits.maxDepth else { throw .tooDeep(limit: limits.maxDepth) }
        var child = node.pointee.children
        while let current = child {
            count += 1
            guard count <= limits.maxNodes else { throw .tooManyNodes(limit: limits.maxNodes) }
            if current.pointee.type == XML_ENTITY_REF_NODE || current.pointee.type == XML_DTD_NODE { throw .doctype }
            if current.pointee.type == XML_ELEMENT_NODE { try check(current, depth: depth + 1, count: &count, limits: limits) }
            child = current.pointee.next
        }
    }

    private static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return false }
        var index = 0
        while index <= bytes.count - pattern.count {
            if bytes[index] == pattern[0], Array(bytes[index..<index + pattern.count]) == pattern { return true }
            index += 1
        }
        return false
    }
}
