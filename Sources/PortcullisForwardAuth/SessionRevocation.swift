import Foundation
import PortcullisCrypto
import PortcullisStore

/// The one way sessions end in this process: the store is updated first, then the resolver's
/// ``SessionCache`` forgets them, so the very next resolve asks the store and finds them gone.
public struct SessionRevocation: Sendable {
    let sessions: any SessionStore
    public let cache: SessionCache

    public init(sessions: any SessionStore, cache: SessionCache) {
        self.sessions = sessions
        self.cache = cache
    }

    /// Logout: revokes the session of a cookie token.
    @discardableResult
    public func revoke(tenantID: String, token: String, at: Date = Date()) async throws -> Bool {
        let key = SecretDigest(of: token)
        defer { cache.invalidate(key) }
        return try await sessions.revokeSession(tenantID: tenantID, digest: key.hex, at: at)
    }

    /// A session known by its stored digest (64 hex characters), e.g. found from the cookie by
    /// another flow (RP-initiated logout).
    @discardableResult
    public func revoke(tenantID: String, digest: String, at: Date = Date()) async throws -> Bool {
        defer {
            if let key = Self.key(hex: digest) { cache.invalidate(key) } else { cache.removeAll() }
        }
        return try await sessions.revokeSession(tenantID: tenantID, digest: digest, at: at)
    }

    static func key(hex: String) -> SecretDigest? {
        let bytes = Array(hex.utf8)
        guard bytes.count == 64 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            result.append(byte)
        }
        return SecretDigest(bytes: result)
    }

    /// Every session of a user: a password reset, "log out everywhere", a blocked user.
    @discardableResult
    public func revokeAll(tenantID: String, userID: String, at: Date = Date()) async throws -> Int {
        defer { cache.invalidate(tenantID: tenantID, userID: userID) }
        return try await sessions.revokeAllSessions(tenantID: tenantID, userID: userID, at: at)
    }
}
