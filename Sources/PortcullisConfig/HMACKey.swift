/// The key that signs a hook's or webhook's requests, resolved from the secrets file. Kept as bytes
/// and never printed: its description is redacted, so it cannot reach a log by accident.
public struct HMACKey: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    public var description: String { "HMACKey(redacted)" }
}
