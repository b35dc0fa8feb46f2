import Foundation
import Logging
@testable import PortcullisHTTP
import PortcullisStore
import PortcullisStoreSQLite
import Testing

@Suite("Store maintenance")
struct StoreMaintenanceTests {
    @Test func theSweepDeletesExpiredCodesAndRefreshTokensAndKeepsLiveOnes() async throws {
        let store = try SQLiteStore.inMemory()
        let user = User(tenantID: "acme", connection: "database", email: "ann@example.com", createdAt: Date())
        try await store.create(user)
        // Whole seconds, which the store keeps exactly, so a token read back compares with ==.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let past = now.addingTimeInterval(-60)
        let future = now.addingTimeInterval(600)
        func code(expiresAt: Date) -> AuthorizationCode {
            AuthorizationCode(
                digest: Self.digest(), tenantID: "acme", clientID: "acme-web", userID: user.id,
                redirectURI: "https://app.acme.test/callback", scopes: ["openid"], authTime: past, amr: ["pwd"],
                createdAt: past.addingTimeInterval(-60), expiresAt: expiresAt)
        }
        func token(expiresAt: Date) -> RefreshToken {
            RefreshToken(
                digest: Self.digest(), tenantID: "acme", clientID: "acme-web", userID: user.id, familyID: "grt_sweep",
                scopes: ["openid"], authTime: past, amr: ["pwd"], createdAt: past.addingTimeInterval(-60),
                expiresAt: expiresAt, absoluteExpiresAt: future)
        }
        let (expiredCode, liveCode) = (code(expiresAt: past), code(expiresAt: future))
        let (expiredToken, liveToken) = (token(expiresAt: past), token(expiresAt: future))
        for item in [expiredCode, liveCode] { try await store.createAuthorizationCode(item) }
        for item in [expiredToken, liveToken] { try await store.createRefreshToken(item) }

        await StoreMaintenance(storage: store, logger: Logger(label: "test")).sweep()

        #expect(try await store.deleteExpiredAuthorizationCodes(before: Date()) == 0)
        #expect(try await store.deleteExpiredRefreshTokens(before: Date()) == 0)
        if case .redeemed = try await store.redeemAuthorizationCode(tenantID: "acme", digest: liveCode.digest, now: Date()) {
        } else {
            Issue.record("the live code was not redeemable after the sweep")
        }
        #expect(try await store.refreshToken(tenantID: "acme", digest: liveToken.digest, now: Date()) == liveToken)
    }

    @Test func theSweepDeletesAuditEventsPastTheRetention() async throws {
        let store = try SQLiteStore.inMemory()
        let now = Date()
        let old = AuditEvent(tenantID: "acme", type: "login.succeeded", occurredAt: now.addingTimeInterval(-3 * 86_400))
        let recent = AuditEvent(tenantID: "acme", type: "login.succeeded", occurredAt: now.addingTimeInterval(-3600))
        for event in [old, recent] { try await store.append(event) }
        await StoreMaintenance(storage: store, auditRetention: { .seconds(2 * 86_400) }, logger: Logger(label: "test")).sweep()
        #expect(try await store.recent(tenantID: "acme", limit: 10).map(\.id) == [recent.id])
    }

    private static func digest() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
