import Foundation

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `::1/128`); a bare address is a
/// single-host network. Used for trusted proxies and for access rules on client networks.
public struct IPNetwork: ConfigValue, Hashable, CustomStringConvertible {
    public let address: [UInt8]  // 4 or 16 bytes, host bits cleared
    public let prefixLength: Int
    public let description: String

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = IPNetwork.parseAddress(String(parts[0])) else { return nil }
        let maxPrefix = bytes.count * 8
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...maxPrefix).contains(p) else { return nil }
            prefix = p
        }
        address = IPNetwork.mask(bytes, prefix)
        prefixLength = prefix
        description = text
    }

    /// Whether the address (text form) is inside this network.
    public func contains(_ text: String) -> Bool {
        guard let bytes = IPNetwork.parseAddress(text) else { return false }
        return contains(bytes)
    }

    public func contains(_ bytes: [UInt8]) -> Bool {
        var candidate = bytes
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address for matching purposes.
        if candidate.count == 16, address.count == 4, candidate[0..<10].allSatisfy({ $0 == 0 }),
           candidate[10] == 0xff, candidate[11] == 0xff {
            candidate = Array(candidate[12...])
        }
        guard candidate.count == address.count else { return false }
        return IPNetwork.mask(candidate, prefixLength) == address
    }

    public static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func mask(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bitsHere = max(0, min(8, prefix - index * 8))
            return bitsHere == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
    }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> IPNetwork? {
        guard let text = String.read(node, path: path, in: context) else { return nil }
        guard let network = IPNetwork(text) else {
            context.report(node.position, path, "must be an IP address or CIDR network like 10.0.0.0/8, found \"\(text)\"")
            return nil
        }
        return network
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "string", "description": "IPv4 or IPv6 address or CIDR network"]
    }
}

/// `host:port` to listen on; IPv6 hosts in brackets (`[::1]:8080`).
public struct ListenAddress: ConfigValue, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public init?(_ text: String) {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
    }

    public static func read(_ node: ConfigNode, path: String, in context: ReadContext) -> ListenAddress? {
        guard let text = String.read(node, path: path, in: context) else { return nil }
        guard let address = ListenAddress(text) else {
            context.report(node.position, path, "must be host:port like 127.0.0.1:8080 or [::1]:8080, found \"\(text)\"")
            return nil
        }
        return address
    }

    public static func schema(in context: ReadContext) -> JSONValue {
        ["type": "string", "pattern": "^(\\[[0-9a-fA-F:.]+\\]|[^:\\s]+):[0-9]{1,5}$"]
    }
}

extension ListenAddress: ConfigDefault {
    public var defaultJSON: JSONValue { .string(description) }
}
