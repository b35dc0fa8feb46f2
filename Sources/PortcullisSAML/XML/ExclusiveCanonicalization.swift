internal import CLibXML2
import Foundation

/// Exclusive XML Canonicalization 1.0 without comments (`http://www.w3.org/2001/10/xml-exc-c14n#`),
/// the transform SAML signatures use, by libxml2's `xmlC14NExecute`.
public enum ExclusiveCanonicalization {
    public static let algorithm = "http://www.w3.org/2001/10/xml-exc-c14n#"

    /// What libxml2 is told is visible: `root` and its descendants, minus `excluded` and its
    /// descendants (the enveloped signature's transform removes the Signature element).
    private final class Selection {
        let root: xmlNodePtr
        let excluded: xmlNodePtr?
        init(root: xmlNodePtr, excluded: xmlNodePtr?) {
            self.root = root
            self.excluded = excluded
        }
    }

    /// The canonical bytes of `element`, without `excluding` (inside it) when given;
    /// `inclusivePrefixes` is the transform's InclusiveNamespaces PrefixList.
    public static func canonicalize(_ element: XMLElement, excluding: XMLElement? = nil,
                                    inclusivePrefixes: [String] = []) throws(XMLError) -> [UInt8] {
        let selection = Selection(root: element.pointer, excluded: excluding?.pointer)
        let context = Unmanaged.passRetained(selection)
        defer { context.release() }
        guard let output = xmlAllocOutputBuffer(nil) else { throw .canonicalization }
        defer { xmlOutputBufferClose(output) }
        var prefixes: [UnsafeMutablePointer<CChar>?] = inclusivePrefixes.map { strdup($0) }
        defer { for prefix in prefixes { free(prefix) } }
        prefixes.append(nil)
        let written = prefixes.withUnsafeMutableBufferPointer { list in
            list.baseAddress!.withMemoryRebound(to: UnsafeMutablePointer<xmlChar>?.self, capacity: list.count) { pointers in
                xmlC14NExecute(element.document.pointer, { userData, node, parent in
                    guard let userData, let node else { return 0 }
                    let selection = Unmanaged<Selection>.fromOpaque(userData).takeUnretainedValue()
                    // Attributes and namespace nodes belong to their element (`parent`).
                    let kind = node.pointee.type
                    var current: xmlNodePtr? = kind == XML_NAMESPACE_DECL || kind == XML_ATTRIBUTE_NODE ? parent : node
                    while let step = current {
                        if step == selection.excluded { return 0 }
                        if step == selection.root { return 1 }
                        current = step.pointee.parent
                    }
                    return 0
                }, context.toOpaque(), Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), inclusivePrefixes.isEmpty ? nil : pointers,
                0, output)
            }
        }
        guard written >= 0, let content = xmlOutputBufferGetContent(output) else { throw .canonicalization }
        let size = Int(xmlOutputBufferGetSize(output))
        return Array(UnsafeBufferPointer(start: content, count: size))
    }
}
