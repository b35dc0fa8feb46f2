import PortcullisCrypto
import Synchronization

/// Request ids: a well-formed incoming `X-Request-Id` (from a proxy) is kept so logs can be joined
/// across hops; otherwise a process-unique id is made from a random per-process prefix and a
/// counter. Ids only need to be unique, not secret, and this costs no system call per request.
enum RequestID {
    private static let prefix = RandomToken.make(bytes: 6)
    private static let counter = Atomic<UInt64>(0)

    static func from(_ header: String?) -> String {
        if let header, (8...128).contains(header.utf8.count), header.utf8.allSatisfy(isAllowed) {
            return header
        }
        let next = counter.add(1, ordering: .relaxed).newValue
        return prefix + "-" + String(next, radix: 36)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
            || byte == 0x2d || byte == 0x5f || byte == 0x2e
    }
}
