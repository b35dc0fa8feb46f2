import Foundation
import PortcullisStore

/// Values the user, credential, session and email token cases share. Their dates are whole
/// seconds after ``ConformanceFixtures/baseDate``, which every store keeps exactly, so values
/// read back can be compared with `==`.
extension ConformanceFixtures {
    static func date(plusSeconds seconds: Int) -> Date {
        baseDate.addingTimeInterval(Double(seconds))
    }

    static func user(
        tenant: String = "acme", connection: String = "database", email: String,
        username: String? = nil, createdAt: Date = baseDate
    ) -> User {
        User(tenantID: tenant, connection: connection, email: email, username: username, createdAt: createdAt)
    }

    /// Creates a user in `store` and returns it.
    static func createdUser(
        in store: any PortcullisStorage, tenant: String = "acme", email: String = "ann@example.com"
    ) async throws -> User {
        let user = user(tenant: tenant, email: email)
        try await store.create(user)
        return user
    }

    /// A random stand-in for the SHA-256 digest of a token: 64 lowercase hex characters. Stores
    /// never hash, so a random value of the right form serves as well as a real digest.
    static func digest() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// A session of `user` created at the base date, idle for an hour, ending after a day.
    static func session(of user: User, digest: String = digest()) -> Session {
        Session(
            digest: digest, tenantID: user.tenantID, userID: user.id, createdAt: baseDate, amr: ["pwd"],
            ip: "203.0.113.7", userAgent: "Mozilla/5.0 (conformance)",
            idleExpiresAt: date(plusSeconds: 3600), absoluteExpiresAt: date(plusSeconds: 86_400))
    }

    /// An unused token of `user` that expires an hour after the base date.
    static func emailToken(
        of user: User, purpose: EmailTokenPurpose = .verifyEmail, digest: String = digest()
    ) -> EmailToken {
        EmailToken(digest: digest, tenantID: user.tenantID, userID: user.id, purpose: purpose,
                   expiresAt: date(plusSeconds: 3600))
    }
}

/// The kinds of ``StoreError`` a case can require.
enum ExpectedStoreError: CustomStringConvertible {
    case conflict, invalidInput

    func matches(_ error: StoreError) -> Bool {
        switch (self, error) {
        case (.conflict, .conflict), (.invalidInput, .invalidInput):
            true
        default:
            false
        }
    }

    var description: String {
        switch self {
        case .conflict: "StoreError.conflict"
        case .invalidInput: "StoreError.invalidInput"
        }
    }
}

/// Fails unless `body` throws a ``StoreError`` of the `expected` kind; `what` names the attempt.
func expectStoreError(
    _ expected: ExpectedStoreError, _ what: String,
    file: String = #fileID, line: Int = #line,
    _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch let error as StoreError {
        try expect(expected.matches(error), "\(what): expected \(expected), got \(error)", file: file, line: line)
        return
    }
    try expect(false, "\(what): expected \(expected), but it succeeded", file: file, line: line)
}
