import Foundation

/// Verifies a Bearer access token for the resolver and maps it to an identity; `nil` when the
/// token is not valid for this tenant or names no user (a machine-to-machine token).
public struct BearerTokenVerifier: Sendable {
    let verify: @Sendable (Substring, Date) async throws -> ForwardAuthIdentity?

    public init(_ verify: @escaping @Sendable (Substring, Date) async throws -> ForwardAuthIdentity?) {
        self.verify = verify
    }

    public func identity(token: Substring, now: Date) async throws -> ForwardAuthIdentity? {
        try await verify(token, now)
    }
}
