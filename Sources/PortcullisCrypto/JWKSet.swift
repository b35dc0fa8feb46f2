import Foundation
import PortcullisCore

/// The public JSON Web Key Set of a tenant (RFC 7517 §5), serialized once per configuration
/// snapshot so that serving it costs no work per request.
public struct JWKSet: Sendable {
    public let keys: [JSONValue]
    public let json: Data

    public init(_ keys: [SigningKey]) {
        self.keys = keys.map(\.publicJWK)
        let document: JSONValue = ["keys": .array(self.keys)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        json = (try? encoder.encode(document)) ?? Data(#"{"keys":[]}"#.utf8)
    }
}
