import Hummingbird
import PortcullisCore

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy. Reading from the right means a
/// client cannot pick its own address by sending a forged header.
enum ClientAddress {
    static func resolve(remote: String?, forwardedFor: String?, trusted: [IPNetwork]) -> String? {
        guard let remote else { return nil }
        guard trusted.contains(where: { $0.contains(remote) }), let forwardedFor else { return remote }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where IPNetwork.parseAddress(hop) != nil {
            if !trusted.contains(where: { $0.contains(hop) }) { return hop }
        }
        return remote
    }
}

extension PortcullisRequestContext {
    /// The client's address for this request, behind the configured trusted proxies.
    func clientAddress(for request: Request) -> String? {
        ClientAddress.resolve(remote: remoteAddress, forwardedFor: request.headers[.xForwardedFor],
                              trusted: snapshot?.server.server.trustedProxies ?? [])
    }
}
