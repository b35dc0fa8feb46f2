import Foundation
import PortcullisStore

extension StoreConformance {
    static func pausedLogin(of user: User, digest: String = ConformanceFixtures.digest()) -> PausedLogin {
        PausedLogin(digest: digest, tenantID: user.tenantID, userID: user.id, sessionDigest: ConformanceFixtures.digest(),
                    clientID: "acme-web", requestDigest: ConformanceFixtures.digest(), hook: "profile-hook",
                    form: "profile", stateJSON: #"{"changes":{}}"#, createdAt: ConformanceFixtures.baseDate,
                    expiresAt: ConformanceFixtures.date(plusSeconds: 600))
    }

    static let pausedLoginCases: [Case] = [
        Case("paused logins: read back while valid, taken once") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let login = pausedLogin(of: user)
            try await store.createPausedLogin(login)
            let now = ConformanceFixtures.date(plusSeconds: 60)
            try expectEqual(try await store.pausedLogin(tenantID: "acme", digest: login.digest, now: now), login, "the read")
            try expectEqual(try await store.pausedLogin(tenantID: "acme", digest: login.digest, now: now), login,
                            "a second read (a form shown again keeps its ticket)")
            try expectEqual(try await store.consumePausedLogin(tenantID: "acme", digest: login.digest, now: now), login,
                            "the first consume")
            try expectEqual(try await store.consumePausedLogin(tenantID: "acme", digest: login.digest, now: now), nil,
                            "the second consume")
            try expectEqual(try await store.pausedLogin(tenantID: "acme", digest: login.digest, now: now), nil,
                            "a read after the consume")
        },

        Case("paused logins: of 20 concurrent consumers exactly one wins") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let login = pausedLogin(of: user)
            try await store.createPausedLogin(login)
            let winners = try await withThrowingTaskGroup(of: PausedLogin?.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.consumePausedLogin(tenantID: "acme", digest: login.digest,
                                                           now: ConformanceFixtures.baseDate)
                    }
                }
                return try await group.reduce(into: 0) { count, result in if result != nil { count += 1 } }
            }
            try expectEqual(winners, 1, "consumers that got the paused login")
        },

        Case("paused logins: another tenant or an expired one gets nothing; expired ones are swept") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let login = pausedLogin(of: user)
            try await store.createPausedLogin(login)
            try expectEqual(try await store.pausedLogin(tenantID: "globex", digest: login.digest, now: login.createdAt), nil,
                            "acme's paused login read in globex")
            try expectEqual(try await store.consumePausedLogin(tenantID: "globex", digest: login.digest, now: login.createdAt),
                            nil, "acme's paused login taken in globex")
            try expectEqual(try await store.pausedLogin(tenantID: "acme", digest: login.digest, now: login.expiresAt), nil,
                            "the paused login at its expiry")
            try expectEqual(try await store.consumePausedLogin(tenantID: "acme", digest: login.digest, now: login.expiresAt),
                            nil, "the paused login taken at its expiry")
            try expectEqual(try await store.deleteExpiredPausedLogins(before: login.expiresAt.addingTimeInterval(-1)), 0,
                            "swept before the expiry")
            try expectEqual(try await store.deleteExpiredPausedLogins(before: login.expiresAt), 1, "swept at the expiry")
        },

        Case("paused logins: bad digests, unknown users and duplicates are refused; deleting the user removes them") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            var bad = pausedLogin(of: user)
            bad.digest = "not-a-digest"
            try await expectStoreError(.invalidInput, "a malformed digest") { try await store.createPausedLogin(bad) }
            var ghost = pausedLogin(of: user)
            ghost.userID = "no-such-user"
            try await expectStoreError(.invalidInput, "a paused login of a user that does not exist") {
                try await store.createPausedLogin(ghost)
            }
            let login = pausedLogin(of: user)
            try await store.createPausedLogin(login)
            try await expectStoreError(.conflict, "a second paused login with the same digest") {
                try await store.createPausedLogin(login)
            }
            _ = try await store.delete(tenantID: user.tenantID, id: user.id)
            try expectEqual(try await store.pausedLogin(tenantID: "acme", digest: login.digest, now: login.createdAt), nil,
                            "the paused login of a deleted user")
        },
    ]
}
