import Foundation
import PortcullisStore

extension StoreConformance {
    static let authorizationCodeCases: [Case] = [
        Case("authorization codes: a code is redeemed once, then replayed") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            var code = ConformanceFixtures.authorizationCode(of: user)
            code.audience = "https://api.acme.test"
            code.organizationID = Organization.makeID()
            code.nonce = "n-0S6_WzA2Mj"
            code.codeChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            code.codeChallengeMethod = "S256"
            code.sessionDigest = ConformanceFixtures.digest()
            code.amr = ["pwd", "mfa"]
            code.scopes = ["openid", "read:orders", "Zoë 🦀"]
            code.hookClaimsJSON = #"{"access_token":{"https://acme.test/plan":"gold"}}"#
            try await store.createAuthorizationCode(code)
            let now = ConformanceFixtures.date(plusSeconds: 5)
            var used = code
            used.usedAt = now
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest, now: now),
                            .redeemed(used), "the first redemption")
            let later = ConformanceFixtures.date(plusSeconds: 6)
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest, now: later),
                            .replayed(used), "the second redemption")

            var bare = ConformanceFixtures.authorizationCode(of: user)
            bare.scopes = []
            bare.amr = []
            try await store.createAuthorizationCode(bare)
            var bareUsed = bare
            bareUsed.usedAt = now
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: bare.digest, now: now),
                            .redeemed(bareUsed), "a code without optional fields")
        },

        Case("authorization codes: of 20 concurrent redemptions exactly one succeeds") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let code = ConformanceFixtures.authorizationCode(of: user)
            try await store.createAuthorizationCode(code)
            let results = try await withThrowingTaskGroup(of: AuthorizationCodeRedemption.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.redeemAuthorizationCode(
                            tenantID: "acme", digest: code.digest, now: ConformanceFixtures.date(plusSeconds: index % 3))
                    }
                }
                return try await group.reduce(into: [AuthorizationCodeRedemption]()) { $0.append($1) }
            }
            let redeemed = results.filter { if case .redeemed = $0 { true } else { false } }
            let replayed = results.filter { if case .replayed = $0 { true } else { false } }
            try expectEqual(redeemed.count, 1, "redemptions that got the code")
            try expectEqual(replayed.count, 19, "redemptions told it was a replay")
            // Every replay reports the one redemption that won.
            try expect(replayed.allSatisfy { if case .replayed(let code) = $0 { AuthorizationCodeRedemption.redeemed(code) == redeemed[0] } else { false } },
                       "every replay carries the winning redemption")
        },

        Case("authorization codes: expired, unknown and other tenants' codes are invalid and stay unused") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let code = ConformanceFixtures.authorizationCode(of: user)
            try await store.createAuthorizationCode(code)
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest, now: code.expiresAt),
                            .invalid, "the code at its expiry")
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "globex", digest: code.digest,
                                                                    now: ConformanceFixtures.baseDate),
                            .invalid, "acme's code redeemed in globex")
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: ConformanceFixtures.digest(),
                                                                    now: ConformanceFixtures.baseDate),
                            .invalid, "an unknown code")
            let now = ConformanceFixtures.date(plusSeconds: 59)
            var used = code
            used.usedAt = now
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest, now: now),
                            .redeemed(used), "the code one second before its expiry, after the failed attempts")
            // A spent code stays a replay after its expiry, so the caller still revokes its grant.
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest,
                                                                    now: ConformanceFixtures.date(plusSeconds: 600)),
                            .replayed(used), "the spent code after its expiry")
        },

        Case("authorization codes: a blocked or deleted user's codes are invalid") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let code = ConformanceFixtures.authorizationCode(of: user)
            try await store.createAuthorizationCode(code)
            guard var blocked = try await ConformanceFixtures.block(user, in: store, atSeconds: 1) else {
                try expect(false, "blocking the user found no user")
                return
            }
            let now = ConformanceFixtures.date(plusSeconds: 2)
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest, now: now),
                            .invalid, "the blocked user's code")
            blocked.blocked = false
            _ = try await store.update(blocked)
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: code.digest, now: now).isRedeemed,
                            true, "the code after unblocking, still unused")

            let second = ConformanceFixtures.authorizationCode(of: user)
            try await store.createAuthorizationCode(second)
            try await store.delete(tenantID: "acme", id: user.id)
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: second.digest, now: now),
                            .invalid, "the deleted user's code")
            // Re-created with the same id, the user must not find the old code: it is gone.
            try await store.create(user)
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: second.digest, now: now),
                            .invalid, "the old code of a re-created user")
        },

        Case("authorization codes: only SHA-256 hex digests of existing users' codes are stored") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let digest = ConformanceFixtures.digest()
            for bad in ["SplxlOBeZQQYbYS6WxSbIA", digest.uppercased(), String(digest.prefix(63)), ""] {
                try await expectStoreError(.invalidInput, "code digest \(bad.debugDescription)") {
                    try await store.createAuthorizationCode(ConformanceFixtures.authorizationCode(of: user, digest: bad))
                }
            }
            try await expectStoreError(.invalidInput, "a code of a user that does not exist") {
                var orphan = ConformanceFixtures.authorizationCode(of: user)
                orphan.userID = User.makeID()
                try await store.createAuthorizationCode(orphan)
            }
            try await expectStoreError(.invalidInput, "a code of an acme user in globex") {
                var foreign = ConformanceFixtures.authorizationCode(of: user)
                foreign.tenantID = "globex"
                try await store.createAuthorizationCode(foreign)
            }
            try await store.createAuthorizationCode(ConformanceFixtures.authorizationCode(of: user, digest: digest))
            try await expectStoreError(.conflict, "a second code with the same digest") {
                try await store.createAuthorizationCode(ConformanceFixtures.authorizationCode(of: user, digest: digest))
            }
        },

        Case("authorization codes: expired codes are swept, used or not") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let unused = ConformanceFixtures.authorizationCode(of: user)
            let used = ConformanceFixtures.authorizationCode(of: user)
            var later = ConformanceFixtures.authorizationCode(of: user)
            later.expiresAt = ConformanceFixtures.date(plusSeconds: 120)
            let other = try await ConformanceFixtures.createdUser(in: store, tenant: "globex")
            let globex = ConformanceFixtures.authorizationCode(of: other)
            for code in [unused, used, later, globex] {
                try await store.createAuthorizationCode(code)
            }
            _ = try await store.redeemAuthorizationCode(tenantID: "acme", digest: used.digest, now: ConformanceFixtures.baseDate)
            try expectEqual(try await store.deleteExpiredAuthorizationCodes(before: ConformanceFixtures.date(plusSeconds: 59)),
                            0, "codes deleted before any expired")
            try expectEqual(try await store.deleteExpiredAuthorizationCodes(before: ConformanceFixtures.date(plusSeconds: 60)),
                            3, "expired codes deleted, in every tenant")
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: used.digest,
                                                                    now: ConformanceFixtures.date(plusSeconds: 61)),
                            .invalid, "a swept spent code")
            try expectEqual(try await store.redeemAuthorizationCode(tenantID: "acme", digest: later.digest,
                                                                    now: ConformanceFixtures.date(plusSeconds: 61)).isRedeemed,
                            true, "the code that had not expired")
        },
    ]
}

extension AuthorizationCodeRedemption {
    var isRedeemed: Bool {
        if case .redeemed = self { true } else { false }
    }
}
