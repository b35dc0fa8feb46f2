import Foundation
import PortcullisStore

extension StoreConformance {
    static let emailTokenCases: [Case] = [
        Case("email tokens: a token is consumed once") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.emailToken(of: user, purpose: .resetPassword)
            try await store.createEmailToken(token)
            let now = ConformanceFixtures.date(plusSeconds: 60)
            var used = token
            used.usedAt = now
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: token.digest, purpose: .resetPassword, now: now),
                used, "the first consume")
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: token.digest, purpose: .resetPassword, now: now),
                nil, "the second consume")
        },

        Case("email tokens: of 20 concurrent consumers exactly one wins") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.emailToken(of: user, purpose: .unlock)
            try await store.createEmailToken(token)
            let winners = try await withThrowingTaskGroup(of: EmailToken?.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.consumeEmailToken(
                            tenantID: "acme", digest: token.digest, purpose: .unlock, now: ConformanceFixtures.baseDate)
                    }
                }
                return try await group.reduce(into: [EmailToken]()) { winners, result in
                    if let result {
                        winners.append(result)
                    }
                }
            }
            try expectEqual(winners.count, 1, "consumers that got the token")
        },

        Case("email tokens: a wrong purpose, tenant or an expired token consumes nothing") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.emailToken(of: user, purpose: .verifyEmail)
            try await store.createEmailToken(token)
            let now = ConformanceFixtures.baseDate
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: token.digest, purpose: .resetPassword, now: now),
                nil, "a verification token used to reset a password")
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "globex", digest: token.digest, purpose: .verifyEmail, now: now),
                nil, "acme's token used in globex")
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: token.digest, purpose: .verifyEmail,
                                                  now: token.expiresAt),
                nil, "the token at its expiry")
            // None of the failed attempts used the token up.
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: token.digest, purpose: .verifyEmail,
                                                  now: ConformanceFixtures.date(plusSeconds: 3599))?.digest,
                token.digest, "the token, one second before its expiry")
        },

        Case("email tokens: only SHA-256 hex digests of existing users' tokens are stored") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            for bad in ["raw-token-from-the-link", ConformanceFixtures.digest().uppercased()] {
                try await expectStoreError(.invalidInput, "token digest \(bad.debugDescription)") {
                    try await store.createEmailToken(ConformanceFixtures.emailToken(of: user, digest: bad))
                }
            }
            try await expectStoreError(.invalidInput, "a token of a user that does not exist") {
                var orphan = ConformanceFixtures.emailToken(of: user)
                orphan.userID = User.makeID()
                try await store.createEmailToken(orphan)
            }
            let token = ConformanceFixtures.emailToken(of: user)
            try await store.createEmailToken(token)
            try await expectStoreError(.conflict, "a second token with the same digest") {
                try await store.createEmailToken(token)
            }
        },

        Case("email tokens: older links can be cancelled and expired tokens swept") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let resets = [ConformanceFixtures.emailToken(of: user, purpose: .resetPassword),
                          ConformanceFixtures.emailToken(of: user, purpose: .resetPassword)]
            let verify = ConformanceFixtures.emailToken(of: user, purpose: .verifyEmail)
            var longLived = ConformanceFixtures.emailToken(of: user, purpose: .unlock)
            longLived.expiresAt = ConformanceFixtures.date(plusSeconds: 7200)
            for token in resets + [verify, longLived] {
                try await store.createEmailToken(token)
            }
            let now = ConformanceFixtures.baseDate
            _ = try await store.consumeEmailToken(tenantID: "acme", digest: resets[0].digest, purpose: .resetPassword, now: now)
            try expectEqual(try await store.deleteUnusedEmailTokens(tenantID: "globex", userID: user.id, purpose: .resetPassword),
                            0, "tokens deleted as globex")
            try expectEqual(try await store.deleteUnusedEmailTokens(tenantID: "acme", userID: user.id, purpose: .resetPassword),
                            1, "unused reset tokens deleted")
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: resets[1].digest, purpose: .resetPassword, now: now),
                nil, "a cancelled reset link")
            try expectEqual(try await store.deleteExpiredEmailTokens(before: ConformanceFixtures.date(plusSeconds: 3599)), 0,
                            "tokens deleted before any expired")
            // The used reset token and the verification token expire at +3600 s; the unlock one later.
            try expectEqual(try await store.deleteExpiredEmailTokens(before: ConformanceFixtures.date(plusSeconds: 3600)), 2,
                            "expired tokens deleted")
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: longLived.digest, purpose: .unlock, now: now)?.digest,
                longLived.digest, "the token that had not expired")
        },
    ]
}
