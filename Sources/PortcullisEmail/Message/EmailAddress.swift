/// A mailbox: an address and an optional display name, validated when built.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The `local@domain` address, as used in the SMTP envelope.
    public let address: String
    /// A human name shown by mail clients; may contain any Unicode text but no line breaks.
    public let displayName: String?

    public init(_ address: String, displayName: String? = nil) throws(EmailMessageError) {
        guard Self.isValid(address) else { throw .invalidAddress }
        if let displayName, !displayName.isSafeHeaderText {
            throw .controlCharacter(field: "display name")
        }
        self.address = address
        self.displayName = displayName?.isEmpty == true ? nil : displayName
    }

    /// The part after the `@`: what logs may show instead of the whole address.
    public var domain: String {
        String(address[address.index(after: address.lastIndex(of: "@")!)...])
    }

    public var description: String { address }

    /// Accepts the dot-atom form of RFC 5322 in ASCII only. Quoted local parts, address literals and
    /// internationalized addresses are refused: nothing Portcullis sends needs them, and each one would
    /// need SMTP extensions or quoting rules a small client should not guess at.
    static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }
        guard isDotAtom(local, allowed: localCharacters), isDotAtom(domain, allowed: domainCharacters) else {
            return false
        }
        // Host name labels neither start nor end with a hyphen (RFC 1123).
        return domain.split(separator: ".").allSatisfy { !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }

    private static func isDotAtom(_ text: Substring, allowed: Set<UInt8>) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".") else { return false }
        var previousWasDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard allowed.contains(byte) else { return false }
                previousWasDot = false
            }
        }
        return true
    }

    private static let alphanumerics: Set<UInt8> = Set(
        Array(UInt8(ascii: "a")...UInt8(ascii: "z")) + Array(UInt8(ascii: "A")...UInt8(ascii: "Z"))
            + Array(UInt8(ascii: "0")...UInt8(ascii: "9"))
    )
    private static let localCharacters = alphanumerics.union("!#$%&'*+-/=?^_`{|}~".utf8)
    private static let domainCharacters = alphanumerics.union("-".utf8)
}
