internal import CLibXML2

extension XMLDocument {
    /// Copies `fragment`'s root into this document as a child of `parent`, right after `after`
    /// (or as the first child), with its namespace declarations. Returns the inserted element.
    func insert(_ fragment: XMLDocument, into parent: XMLElement, after: XMLElement?) throws(XMLError) -> XMLElement {
        guard let source = xmlDocGetRootElement(fragment.pointer), let copy = xmlDocCopyNode(source, pointer, 1) else {
            throw .malformed("the fragment could not be copied")
        }
        let inserted: xmlNodePtr?
        if let after {
            inserted = xmlAddNextSibling(after.pointer, copy)
        } else if let first = parent.pointer.pointee.children {
            inserted = xmlAddPrevSibling(first, copy)
        } else {
            inserted = xmlAddChild(parent.pointer, copy)
        }
        guard let inserted else {
            xmlFreeNode(copy)
            throw .malformed("the fragment could not be inserted")
        }
        return XMLElement(pointer: inserted, document: self)
    }

    /// The document as UTF-8 bytes (with an XML declaration).
    public func serialized() -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        guard let memory else { return [] }
        defer { portcullis_xml_free(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}
