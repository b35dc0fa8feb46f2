/// An extra header line of a message (for example `Reply-To`, `List-Unsubscribe`, `X-Portcullis-Tenant`).
public struct EmailHeader: Sendable, Hashable {
    public let name: String
    public let value: String

    /// Refuses names the renderer writes itself (so a caller cannot send a second `From`, or a `Bcc`
    /// that the SMTP envelope would not honour) and values with line breaks (header injection).
    public init(_ name: String, _ value: String) throws(EmailMessageError) {
        guard !name.isEmpty, name.utf8.count <= 76,
            name.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") })
        else { throw .invalidHeaderName }
        guard !Self.reservedNames.contains(name.lowercased()) else { throw .reservedHeader(name) }
        guard value.isSafeHeaderText else { throw .controlCharacter(field: name) }
        self.name = name
        self.value = value
    }

    static let reservedNames: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "sender", "return-path",
    ]
}
