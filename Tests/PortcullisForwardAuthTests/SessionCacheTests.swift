import PortcullisAccounts
import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisForwardAuth
import PortcullisStore
import PortcullisStoreSQLite
import Synchronization
import Testing

@Suite("Session cache and identity source")
struct SessionCacheTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func entry(tenant: String = "acme", user: String = "usr_1", at now: Date = start, ttl: TimeInterval = 30)
        -> SessionCache.Entry
    {
        SessionCache.Entry(tenantID: tenant, userID: user, identity: ForwardAuthIdentity(userID: "database|" + user),
                           idleExpiresAt: now.addingTimeInterval(3600), absoluteExpiresAt: now.addingTimeInterval(7200),
                           freshUntil: now.addingTimeInterval(ttl), touchedAt: now)
    }

    @Test func entriesExpireAndStayInTheirTenant() {
        let cache = SessionCache(ttl: 30)
        let key = SecretDigest(of: "token")
        cache.store(key, entry(), ifGeneration: cache.generation)
        #expect(cache.lookup(key, tenantID: "acme", now: Self.start, idleTimeout: 3600) != nil)
        #expect(cache.lookup(key, tenantID: "globex", now: Self.start, idleTimeout: 3600) == nil)
        #expect(cache.lookup(key, tenantID: "acme", now: Self.start.addingTimeInterval(31), idleTimeout: 3600) == nil)
    }

    @Test func invalidationWinsOverAnEarlierRead() {
        let cache = SessionCache()
        let key = SecretDigest(of: "token")
        let before = cache.generation
        cache.invalidate(key)  // a logout between the store read and the cache write
        cache.store(key, entry(), ifGeneration: before)
        #expect(cache.lookup(key, tenantID: "acme", now: Self.start, idleTimeout: 3600) == nil)
    }

    @Test func invalidateEverySessionOfAUser() {
        let cache = SessionCache()
        for (token, user) in [("a", "usr_1"), ("b", "usr_1"), ("c", "usr_2")] {
            cache.store(SecretDigest(of: token), entry(user: user), ifGeneration: cache.generation)
        }
        cache.invalidate(tenantID: "acme", userID: "usr_1")
        #expect(cache.count == 1)
        #expect(cache.lookup(SecretDigest(of: "c"), tenantID: "acme", now: Self.start, idleTimeout: 3600) != nil)
    }

    @Test func aRevokedGrantDropsOnlyItsAccessTokens() {
        let cache = SessionCache()
        for (token, tenant, grant) in [("a", "acme", "grt_1"), ("b", "acme", "grt_2"), ("c", "globex", "grt_1")] {
            let base = entry(tenant: tenant)
            let tokenEntry = SessionCache.Entry(
                tenantID: base.tenantID, userID: base.userID, identity: base.identity, idleExpiresAt: base.idleExpiresAt,
                absoluteExpiresAt: base.absoluteExpiresAt, freshUntil: base.freshUntil, touchedAt: base.touchedAt,
                grantID: grant)
            cache.store(SecretDigest(of: token), tokenEntry, ifGeneration: cache.generation)
        }
        cache.store(SecretDigest(of: "session"), entry(), ifGeneration: cache.generation)
        let observer: any GrantRevocationObserver = cache
        observer.grantRevoked(tenantID: "acme", grantID: "grt_1")
        #expect(cache.lookup(SecretDigest(of: "a"), tenantID: "acme", now: Self.start, idleTimeout: 3600) == nil)
        #expect(cache.lookup(SecretDigest(of: "b"), tenantID: "acme", now: Self.start, idleTimeout: 3600) != nil)
        #expect(cache.lookup(SecretDigest(of: "c"), tenantID: "globex", now: Self.start, idleTimeout: 3600) != nil)
        #expect(cache.lookup(SecretDigest(of: "session"), tenantID: "acme", now: Self.start, idleTimeout: 3600) != nil)
    }

    @Test func touchIsThrottled() {
        let cache = SessionCache(ttl: 300, touchInterval: 60)
        let key = SecretDigest(of: "token")
        cache.store(key, entry(ttl: 300), ifGeneration: cache.generation)
        #expect(cache.lookup(key, tenantID: "acme", now: Self.start.addingTimeInterval(10), idleTimeout: 3600)?.touch == nil)
        let due = cache.lookup(key, tenantID: "acme", now: Self.start.addingTimeInterval(61), idleTimeout: 3600)
        #expect(due?.touch == Self.start.addingTimeInterval(61 + 3600))
        #expect(cache.lookup(key, tenantID: "acme", now: Self.start.addingTimeInterval(62), idleTimeout: 3600)?.touch == nil)
    }

    @Test func capacityIsBounded() {
        let cache = SessionCache(capacity: 10)
        for index in 0..<25 {
            cache.store(SecretDigest(of: "t\(index)"), entry(at: Date()), ifGeneration: cache.generation)
        }
        #expect(cache.count <= 10)
    }

    /// A store holding one user of tenant acme with one fresh password session; returns its token.
    static func storeWithSession(name: String? = nil) async throws -> (SQLiteStore, User, String) {
        let store = try SQLiteStore.inMemory()
        let now = Date()
        let user = User(tenantID: "acme", connection: "database", email: "alice@example.com", name: name, createdAt: now)
        try await store.create(user)
        let token = RandomToken.make()
        try await store.createSession(Session(digest: SecretDigest(of: token).hex, tenantID: "acme", userID: user.id,
                                              createdAt: now, amr: ["pwd"], idleExpiresAt: now.addingTimeInterval(600),
                                              absoluteExpiresAt: now.addingTimeInterval(3600)))
        return (store, user, token)
    }

    @Test func identityFromTheStoreThenFromTheCache() async throws {
        let (store, user, token) = try await Self.storeWithSession(name: "Alice")
        _ = try await store.assignRole(tenantID: "acme", userID: user.id, role: "admin", organizationID: nil, at: Date())
        let cache = SessionCache()
        let source = SessionIdentitySource(storage: store, cache: cache)
        let identity = try #require(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600))
        #expect(identity.userID == user.externalID)
        #expect(identity.roles == ["admin"])
        #expect(identity.amr == ["pwd"])
        _ = try await store.unassignRole(tenantID: "acme", userID: user.id, role: "admin", organizationID: nil)
        let second = try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600)
        #expect(second === identity, "the second resolve is answered from the cache, without reading the store")
        #expect(try await source.identity(token: Substring(token), tenantID: "globex", idleTimeout: 600) == nil)
        #expect(try await source.identity(token: "not a token!", tenantID: "acme", idleTimeout: 600) == nil)

        try await SessionRevocation(sessions: store, observer: cache).revoke(tenantID: "acme", token: token)
        #expect(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600) == nil,
                "logout takes effect on the very next resolve")
    }

    @Test func revokeByDigestEndsTheCachedSession() async throws {
        let (store, _, token) = try await Self.storeWithSession()
        let cache = SessionCache()
        let source = SessionIdentitySource(storage: store, cache: cache)
        #expect(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600) != nil)
        #expect(try await SessionRevocation(sessions: store, observer: cache)
            .revoke(tenantID: "acme", digest: SecretDigest(of: token).hex))
        #expect(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600) == nil)
    }

    @Test func revokeAllEndsCachedSessions() async throws {
        let (store, user, token) = try await Self.storeWithSession()
        let cache = SessionCache()
        let source = SessionIdentitySource(storage: store, cache: cache)
        #expect(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600) != nil)
        #expect(try await SessionRevocation(sessions: store, observer: cache).revokeAll(tenantID: "acme", userID: user.id) == 1)
        #expect(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600) == nil)
    }
}

extension SessionCacheTests {
    @Test func sessionIdentitiesKnowTheirOrganizations() async throws {
        let (store, user, token) = try await Self.storeWithSession()
        let organization = Organization(tenantID: "acme", name: "blue-team", createdAt: Date())
        try await store.createOrganization(organization)
        _ = try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: user.id, at: Date())
        _ = try await store.assignRole(tenantID: "acme", userID: user.id, role: "viewer", organizationID: nil, at: Date())
        _ = try await store.assignRole(tenantID: "acme", userID: user.id, role: "lead", organizationID: organization.id,
                                   at: Date())
        let source = SessionIdentitySource(storage: store, cache: SessionCache())
        let identity = try #require(try await source.identity(token: Substring(token), tenantID: "acme", idleTimeout: 600))
        #expect(identity.organizationID == nil)
        #expect(identity.roles == ["viewer"], "organization roles apply only in the organization")
        let byID = try #require(identity.acting(in: organization.id))
        #expect(byID.organizationID == organization.id)
        #expect(byID.organizationName == "blue-team")
        #expect(byID.roles == ["lead", "viewer"])
        #expect(identity.acting(in: "Blue-Team") === byID, "names compare case-insensitively")
        #expect(identity.acting(in: "red-team") == nil)
        #expect(byID.acting(in: "blue-team") === byID)
        #expect(byID.acting(in: "red-team") == nil)
    }
}
