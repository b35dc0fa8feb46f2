internal import CLibXML2
import Foundation

/// An element of an ``XMLDocument`` (which it keeps alive).
public struct XMLElement {
    let pointer: xmlNodePtr
    let document: XMLDocument

    /// The local name (`Response`, not `samlp:Response`).
    public var name: String { String(cString: pointer.pointee.name) }

    /// The namespace URI, if the element has one.
    public var namespace: String? { pointer.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } } }

    /// Whether this is `name` in namespace `namespace`.
    public func isElement(_ name: String, in namespace: String) -> Bool {
        self.name == name && self.namespace == namespace
    }

    /// An attribute without a namespace (`ID`, `Destination`), or in `namespace`.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        let value = namespace.map { xmlGetNsProp(pointer, name, $0) } ?? xmlGetNoNsProp(pointer, name)
        guard let value else { return nil }
        defer { portcullis_xml_free(value) }
        return String(cString: value)
    }

    /// The child elements, in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(pointer: current, document: document)) }
            child = current.pointee.next
        }
        return result
    }

    /// The child elements named `name` in `namespace`.
    public func children(_ name: String, in namespace: String) -> [XMLElement] {
        children.filter { $0.isElement(name, in: namespace) }
    }

    /// The text of the element and its descendants.
    public var text: String {
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { portcullis_xml_free(content) }
        return String(cString: content)
    }

    /// The parent element, if any.
    public var parent: XMLElement? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(pointer: parent, document: document)
    }

    /// Every element of the document whose `ID` attribute is `id`. A signature reference must find
    /// exactly one: two are a signature-wrapping attempt, never "the first".
    public func document(elementsWithID id: String) -> [XMLElement] {
        guard let root = document.root else { return [] }
        var found: [XMLElement] = []
        func visit(_ element: XMLElement) {
            if element.attribute("ID") == id { found.append(element) }
            for child in element.children { visit(child) }
        }
        visit(root)
        return found
    }

    /// Whether `self` and `other` are the same node (not just equal content).
    public func isSameNode(as other: XMLElement) -> Bool { pointer == other.pointer }
}
