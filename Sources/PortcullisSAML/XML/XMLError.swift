/// Why an XML document was refused. Messages name the problem, never the document's content.
public enum XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(limit: Int)
    /// A DOCTYPE (and with it any entity declaration) is never accepted: SAML has no use for one,
    /// and it is how XXE and entity-expansion attacks begin.
    case doctype
    case notUTF8
    case malformed(String)
    case tooDeep(limit: Int)
    case tooManyNodes(limit: Int)
    case canonicalization

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the document is larger than \(limit) bytes"
        case .doctype: "the document has a DOCTYPE; DTDs and entities are not accepted"
        case .notUTF8: "the document is not UTF-8"
        case .malformed(let reason): "the document is not well-formed XML: \(reason)"
        case .tooDeep(let limit): "the document nests elements deeper than \(limit) levels"
        case .tooManyNodes(let limit): "the document has more than \(limit) nodes"
        case .canonicalization: "the element could not be canonicalized"
        }
    }
}
