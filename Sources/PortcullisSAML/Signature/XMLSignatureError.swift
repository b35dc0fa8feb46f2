/// Why an enveloped signature was not accepted. Each names the step of XML-DSig core validation
/// (or of our stricter profile) that failed.
public enum XMLSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    case multiple
    case malformed(String)
    case unsupportedAlgorithm(String)
    /// The reference does not name this element by its ID, or the ID is not unique in the document.
    case referenceMismatch
    case digestMismatch
    case invalidSignature
    case xml(XMLError)
    /// The signature producer (a remote signing service) gave no usable signature.
    case signerFailed(String)

    public var description: String {
        switch self {
        case .missing: "the element is not signed"
        case .multiple: "the element has more than one signature"
        case .malformed(let what): "the signature is malformed: \(what)"
        case .unsupportedAlgorithm(let algorithm): "algorithm \(algorithm.prefix(100)) is not accepted"
        case .referenceMismatch: "the signature does not reference this element by a unique ID"
        case .digestMismatch: "the signed content was changed (digest mismatch)"
        case .invalidSignature: "the signature value does not verify with the expected key"
        case .xml(let error): error.description
        case .signerFailed(let reason): "the signing service did not sign: \(reason.prefix(200))"
        }
    }
}
