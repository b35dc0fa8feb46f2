/// Why a message or one of its parts was refused when it was built.
///
/// Values never carry the offending text: it may be user input (a display name, an address) and these
/// errors end up in logs.
public enum EmailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address is not a plain ASCII `local@domain` address (SMTPUTF8 is not supported).
    case invalidAddress
    /// A header value contains CR, LF or another control character. Refused because it would let the
    /// text start a new header line (header injection).
    case controlCharacter(field: String)
    /// A header name is empty, too long or contains characters outside printable ASCII or a colon.
    case invalidHeaderName
    /// The header is written by the renderer itself (From, To, Subject, Date, MIME headers…).
    case reservedHeader(String)
    /// A message needs at least one recipient.
    case noRecipients

    public var description: String {
        switch self {
        case .invalidAddress: "invalid email address"
        case .controlCharacter(let field): "\(field) contains a line break or control character"
        case .invalidHeaderName: "invalid header name"
        case .reservedHeader(let name): "header \(name) is set by the message itself"
        case .noRecipients: "a message needs at least one recipient"
        }
    }
}

extension String {
    /// True when the text holds no C0 control character other than tab, and no DEL: in a header value
    /// any of them could end the header line or confuse a parser.
    var isSafeHeaderText: Bool {
        unicodeScalars.allSatisfy { scalar in
            scalar == "\t" || (scalar.value >= 0x20 && scalar.value != 0x7F)
        }
    }

    var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}
