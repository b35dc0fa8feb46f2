import Foundation
import PortcullisStore

extension StoreConformance {
    static let refreshTokenCases: [Case] = [
        Case("refresh tokens: a token round-trips and is visible in its tenant only") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            var token = ConformanceFixtures.refreshToken(of: user)
            token.audience = "https://api.acme.test"
            token.organizationID = Organization.makeID()
            token.sessionDigest = ConformanceFixtures.digest()
            token.scopes = ["openid", "read:orders", "Zoë 🦀"]
            token.amr = ["pwd", "otp"]
            try await store.createRefreshToken(token)
            let now = ConformanceFixtures.date(plusSeconds: 10)
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest, now: now), token,
                            "the token read back")
            try expectEqual(try await store.refreshToken(tenantID: "globex", digest: token.digest, now: now), nil,
                            "acme's token read in globex")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: ConformanceFixtures.digest(), now: now),
                            nil, "an unknown token")
            try expectEqual(
                try await store.rotateRefreshToken(tenantID: "globex", digest: token.digest, now: now,
                                                   successor: ConformanceFixtures.successor(of: token, atSeconds: 10)
                                                       .inTenant("globex")),
                .invalid, "acme's token rotated in globex")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest, now: now), token,
                            "the token after globex's attempt")
        },

        Case("refresh tokens: rotation spends the token and a reuse revokes the whole family") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let first = ConformanceFixtures.refreshToken(of: user, family: "grt_family")
            let bystander = ConformanceFixtures.refreshToken(of: user, family: "grt_other")
            try await store.createRefreshToken(first)
            try await store.createRefreshToken(bystander)

            let second = ConformanceFixtures.successor(of: first, atSeconds: 10)
            var spentFirst = first
            spentFirst.usedAt = ConformanceFixtures.date(plusSeconds: 10)
            try expectEqual(try await store.rotateRefreshToken(tenantID: "acme", digest: first.digest,
                                                               now: ConformanceFixtures.date(plusSeconds: 10), successor: second),
                            .rotated(spentFirst), "the first rotation")
            let now = ConformanceFixtures.date(plusSeconds: 20)
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: first.digest, now: now), nil,
                            "the spent token")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: second.digest, now: now), second,
                            "its successor")
            let third = ConformanceFixtures.successor(of: second, atSeconds: 20)
            try expect(try await store.rotateRefreshToken(tenantID: "acme", digest: second.digest, now: now,
                                                          successor: third).isRotated,
                       "the successor rotates in turn")
            try expect(!(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_family")),
                       "the family is not revoked before a reuse")

            // The first token again: a stolen copy, or the client's; either way the family ends.
            let reuseAt = ConformanceFixtures.date(plusSeconds: 30)
            var revokedFirst = spentFirst
            revokedFirst.revokedAt = reuseAt
            try expectEqual(try await store.rotateRefreshToken(tenantID: "acme", digest: first.digest, now: reuseAt,
                                                               successor: ConformanceFixtures.successor(of: first, atSeconds: 30)),
                            .reused(revokedFirst), "a spent token presented again")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: third.digest, now: reuseAt), nil,
                            "the newest token of the reused family")
            try expectEqual(try await store.rotateRefreshToken(tenantID: "acme", digest: third.digest, now: reuseAt,
                                                               successor: ConformanceFixtures.successor(of: third, atSeconds: 30)),
                            .invalid, "rotating the newest token of the reused family")
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_family"),
                       "the family is revoked")
            try expect(!(try await store.isRefreshTokenFamilyRevoked(tenantID: "globex", familyID: "grt_family")),
                       "acme's family seen from globex")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: bystander.digest, now: reuseAt), bystander,
                            "a token of another family")
        },

        Case("refresh tokens: the record of a token is found in any state, in its tenant only") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.refreshToken(of: user)
            try await store.createRefreshToken(token)
            try expectEqual(try await store.refreshTokenRecord(tenantID: "acme", digest: token.digest), token, "the new token")
            let successor = ConformanceFixtures.successor(of: token, atSeconds: 10)
            _ = try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest,
                                                   now: ConformanceFixtures.date(plusSeconds: 10), successor: successor)
            var spent = token
            spent.usedAt = ConformanceFixtures.date(plusSeconds: 10)
            try expectEqual(try await store.refreshTokenRecord(tenantID: "acme", digest: token.digest), spent, "the spent token")
            try await store.revokeRefreshTokenFamily(tenantID: "acme", familyID: token.familyID,
                                                     at: ConformanceFixtures.date(plusSeconds: 20))
            var revoked = successor
            revoked.revokedAt = ConformanceFixtures.date(plusSeconds: 20)
            try expectEqual(try await store.refreshTokenRecord(tenantID: "acme", digest: successor.digest), revoked,
                            "the revoked successor")
            _ = try await ConformanceFixtures.block(user, in: store, atSeconds: 30)
            try expectEqual(try await store.refreshTokenRecord(tenantID: "acme", digest: successor.digest), revoked,
                            "the revoked successor of a blocked user")
            try expectEqual(try await store.refreshTokenRecord(tenantID: "globex", digest: token.digest), nil,
                            "acme's token looked up in globex")
            try expectEqual(try await store.refreshTokenRecord(tenantID: "acme", digest: ConformanceFixtures.digest()), nil,
                            "an unknown token")
        },

        Case("refresh tokens: of 20 concurrent rotations one succeeds and the reuses revoke the family") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.refreshToken(of: user)
            try await store.createRefreshToken(token)
            let now = ConformanceFixtures.date(plusSeconds: 10)
            let successors = (0..<20).map { _ in ConformanceFixtures.successor(of: token, atSeconds: 10) }
            let results = try await withThrowingTaskGroup(of: RefreshTokenRotation.self) { group in
                for successor in successors {
                    group.addTask {
                        try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest, now: now, successor: successor)
                    }
                }
                return try await group.reduce(into: [RefreshTokenRotation]()) { $0.append($1) }
            }
            try expectEqual(results.filter(\.isRotated).count, 1, "rotations that succeeded")
            try expectEqual(results.filter(\.isReused).count, 19, "rotations told the token was reused")
            for successor in successors {
                try expectEqual(try await store.refreshToken(tenantID: "acme", digest: successor.digest, now: now), nil,
                                "a successor after the reuses")
            }
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: token.familyID),
                       "the family is revoked")
        },

        Case("refresh tokens: idle and absolute lifetimes end a token; the family's end never moves") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.refreshToken(of: user)
            try await store.createRefreshToken(token)
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest,
                                                         now: ConformanceFixtures.date(plusSeconds: 3599)), token,
                            "one second before the idle timeout")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest, now: token.expiresAt), nil,
                            "at the idle timeout")
            try expectEqual(try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest, now: token.expiresAt,
                                                               successor: ConformanceFixtures.successor(of: token, atSeconds: 3600)),
                            .invalid, "rotating at the idle timeout")

            // A successor that asks for more than the family has left gets the family's end.
            var late = ConformanceFixtures.refreshToken(of: user, family: "grt_late")
            late.expiresAt = ConformanceFixtures.date(plusSeconds: 86_000)
            try await store.createRefreshToken(late)
            var greedy = ConformanceFixtures.successor(of: late, atSeconds: 85_000)
            greedy.expiresAt = ConformanceFixtures.date(plusSeconds: 90_000)
            greedy.absoluteExpiresAt = ConformanceFixtures.date(plusSeconds: 999_999)
            try expect(try await store.rotateRefreshToken(tenantID: "acme", digest: late.digest,
                                                          now: ConformanceFixtures.date(plusSeconds: 85_000),
                                                          successor: greedy).isRotated,
                       "the rotation near the family's end")
            var bounded = greedy
            bounded.expiresAt = late.absoluteExpiresAt
            bounded.absoluteExpiresAt = late.absoluteExpiresAt
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: greedy.digest,
                                                         now: ConformanceFixtures.date(plusSeconds: 86_399)), bounded,
                            "the successor, bounded by the family's end")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: greedy.digest,
                                                         now: late.absoluteExpiresAt), nil,
                            "the successor at the family's end")
        },

        Case("refresh tokens: a blocked or deleted user's tokens stop working, and unblocking does not revive them") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let token = ConformanceFixtures.refreshToken(of: user)
            try await store.createRefreshToken(token)
            guard var blocked = try await ConformanceFixtures.block(user, in: store, atSeconds: 5) else {
                try expect(false, "blocking the user found no user")
                return
            }
            let now = ConformanceFixtures.date(plusSeconds: 10)
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest, now: now), nil,
                            "the blocked user's token")
            try expectEqual(try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest, now: now,
                                                               successor: ConformanceFixtures.successor(of: token, atSeconds: 10)),
                            .invalid, "rotating the blocked user's token")
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: token.familyID),
                       "the blocked user's grant is revoked")
            blocked.blocked = false
            _ = try await store.update(blocked)
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest, now: now), nil,
                            "the token after unblocking")

            let fresh = ConformanceFixtures.refreshToken(of: user, family: "grt_fresh")
            try await store.createRefreshToken(fresh)
            try await store.delete(tenantID: "acme", id: user.id)
            try await store.create(user)
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: fresh.digest, now: now), nil,
                            "the token of a deleted, then re-created, user")
        },

        Case("refresh tokens: digests, successors and users are checked, and a refused rotation spends nothing") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let digest = ConformanceFixtures.digest()
            for bad in ["tGzv3JOkF0XG5Qx2TlKWIA", digest.uppercased(), String(digest.prefix(63)), ""] {
                try await expectStoreError(.invalidInput, "token digest \(bad.debugDescription)") {
                    try await store.createRefreshToken(ConformanceFixtures.refreshToken(of: user, digest: bad))
                }
            }
            try await expectStoreError(.invalidInput, "a token of a user that does not exist") {
                var orphan = ConformanceFixtures.refreshToken(of: user)
                orphan.userID = User.makeID()
                try await store.createRefreshToken(orphan)
            }
            let token = ConformanceFixtures.refreshToken(of: user, digest: digest)
            try await store.createRefreshToken(token)
            try await expectStoreError(.conflict, "a second token with the same digest") {
                try await store.createRefreshToken(ConformanceFixtures.refreshToken(of: user, digest: digest))
            }

            let other = try await ConformanceFixtures.createdUser(in: store, email: "other@example.com")
            let now = ConformanceFixtures.date(plusSeconds: 10)
            let good = ConformanceFixtures.successor(of: token, atSeconds: 10)
            var rawDigest = good
            rawDigest.digest = "tGzv3JOkF0XG5Qx2TlKWIA"
            var otherUser = good
            otherUser.userID = other.id
            var otherClient = good
            otherClient.clientID = "acme-spa"
            var otherFamily = good
            otherFamily.familyID = "grt_elsewhere"
            var sameDigest = good
            sameDigest.digest = token.digest
            let successors = [("a raw token", rawDigest), ("another user", otherUser), ("another client", otherClient),
                              ("another family", otherFamily), ("the same digest", sameDigest),
                              ("another tenant", good.inTenant("globex"))]
            for (what, successor) in successors {
                try await expectStoreError(.invalidInput, "a successor with \(what)") {
                    _ = try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest, now: now, successor: successor)
                }
            }
            var existing = ConformanceFixtures.refreshToken(of: user, family: "grt_existing")
            try await store.createRefreshToken(existing)
            existing.familyID = token.familyID
            try await expectStoreError(.conflict, "a successor with an existing token's digest") {
                _ = try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest, now: now, successor: existing)
            }
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: token.digest, now: now), token,
                            "the token after the refused rotations")
            try expect(try await store.rotateRefreshToken(tenantID: "acme", digest: token.digest, now: now,
                                                          successor: good).isRotated,
                       "a valid rotation afterwards")
        },

        Case("refresh tokens: revoking a family or a user's tokens, in one tenant only") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let bob = try await ConformanceFixtures.createdUser(in: store, email: "bob@example.com")
            let annTokens = [ConformanceFixtures.refreshToken(of: ann, family: "grt_a"),
                             ConformanceFixtures.refreshToken(of: ann, family: "grt_a"),
                             ConformanceFixtures.refreshToken(of: ann, family: "grt_b")]
            let bobToken = ConformanceFixtures.refreshToken(of: bob, family: "grt_c")
            for token in annTokens + [bobToken] {
                try await store.createRefreshToken(token)
            }
            let at = ConformanceFixtures.date(plusSeconds: 10)
            try expectEqual(try await store.revokeRefreshTokenFamily(tenantID: "globex", familyID: "grt_a", at: at), 0,
                            "tokens of acme's family revoked in globex")
            try expect(!(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_a")),
                       "acme's family after globex revoked its family of the same id")
            try expectEqual(try await store.revokeRefreshTokenFamily(tenantID: "acme", familyID: "grt_a", at: at), 2,
                            "tokens of the family revoked")
            try expectEqual(try await store.revokeRefreshTokenFamily(tenantID: "acme", familyID: "grt_a", at: at), 0,
                            "tokens of the family revoked again")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: annTokens[0].digest, now: at), nil,
                            "a token of the revoked family")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: annTokens[2].digest, now: at),
                            annTokens[2], "a token of another family")

            // A grant that never had a refresh token (a replayed code) is remembered as revoked too.
            try expectEqual(try await store.revokeRefreshTokenFamily(tenantID: "acme", familyID: "grt_no_tokens", at: at), 0,
                            "tokens revoked in a family without tokens")
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_no_tokens"),
                       "the family without tokens is revoked")
            try expect(!(try await store.isRefreshTokenFamilyRevoked(tenantID: "globex", familyID: "grt_no_tokens")),
                       "acme's revoked family seen from globex")
            try expect(!(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_unknown")),
                       "a family nobody revoked")

            try expectEqual(try await store.revokeRefreshTokens(tenantID: "globex", userID: ann.id, at: at), 0,
                            "ann's tokens revoked in globex")
            try expectEqual(try await store.revokeRefreshTokens(tenantID: "acme", userID: ann.id, at: at), 1,
                            "ann's remaining tokens revoked")
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_b"),
                       "the family of a user's revoked token")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: bobToken.digest, now: at), bobToken,
                            "another user's token")
        },

        Case("refresh tokens: the sweep deletes dead tokens, and revoked families stay revoked for the retention") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let live = ConformanceFixtures.refreshToken(of: user, family: "grt_live")
            var idleExpired = ConformanceFixtures.refreshToken(of: user, family: "grt_idle")
            idleExpired.expiresAt = ConformanceFixtures.date(plusSeconds: 100)
            var absoluteExpired = ConformanceFixtures.refreshToken(of: user, family: "grt_absolute")
            absoluteExpired.expiresAt = ConformanceFixtures.date(plusSeconds: 100)
            absoluteExpired.absoluteExpiresAt = ConformanceFixtures.date(plusSeconds: 100)
            let revoked = ConformanceFixtures.refreshToken(of: user, family: "grt_revoked")
            for token in [live, idleExpired, absoluteExpired, revoked] {
                try await store.createRefreshToken(token)
            }
            try await store.revokeRefreshTokenFamily(tenantID: "acme", familyID: "grt_revoked",
                                                     at: ConformanceFixtures.date(plusSeconds: 50))
            try expectEqual(try await store.deleteExpiredRefreshTokens(before: ConformanceFixtures.date(plusSeconds: 49)), 0,
                            "tokens deleted before any died")
            try expectEqual(try await store.deleteExpiredRefreshTokens(before: ConformanceFixtures.date(plusSeconds: 100)), 3,
                            "dead tokens deleted")
            try expectEqual(try await store.refreshToken(tenantID: "acme", digest: live.digest,
                                                         now: ConformanceFixtures.date(plusSeconds: 100)), live,
                            "the live token")
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_revoked"),
                       "the revoked family after its tokens were swept")
            let retention = Int(RefreshToken.familyRevocationRetention)
            try await store.deleteExpiredRefreshTokens(before: ConformanceFixtures.date(plusSeconds: 49 + retention))
            try expect(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_revoked"),
                       "the revoked family one second before the retention ends")
            try await store.deleteExpiredRefreshTokens(before: ConformanceFixtures.date(plusSeconds: 50 + retention))
            try expect(!(try await store.isRefreshTokenFamilyRevoked(tenantID: "acme", familyID: "grt_revoked")),
                       "the revoked family after the retention")
        },
    ]
}

extension RefreshTokenRotation {
    var isRotated: Bool {
        if case .rotated = self { true } else { false }
    }

    var isReused: Bool {
        if case .reused = self { true } else { false }
    }
}

extension RefreshToken {
    /// The same token claiming to belong to `tenant`.
    func inTenant(_ tenant: String) -> RefreshToken {
        var token = self
        token.tenantID = tenant
        return token
    }
}
