import Foundation
import PortcullisStore

extension StoreConformance {
    static let sessionCases: [Case] = [
        Case("sessions: a session round-trips") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            var session = ConformanceFixtures.session(of: user)
            session.lastSeenAt = ConformanceFixtures.date(plusSeconds: 5)
            session.authTime = ConformanceFixtures.date(plusSeconds: -30)
            session.amr = ["pwd", "mfa", "otp"]
            session.ip = "2001:db8::1"
            session.userAgent = "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" 🦀 Zoë"
            try await store.createSession(session)
            let now = ConformanceFixtures.date(plusSeconds: 10)
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest, now: now), session,
                            "session read back")
            var bare = ConformanceFixtures.session(of: user)
            bare.amr = []
            bare.ip = nil
            bare.userAgent = nil
            try await store.createSession(bare)
            try expectEqual(try await store.session(tenantID: "acme", digest: bare.digest, now: now), bare,
                            "session without amr, IP or user agent")
            try expectEqual(try await store.session(tenantID: "acme", digest: ConformanceFixtures.digest(), now: now),
                            nil, "an unknown session")
            try expectEqual(try await store.activeSessions(tenantID: "acme", userID: user.id, now: now).count, 2,
                            "the user's active sessions")
        },

        Case("sessions: only SHA-256 hex digests are accepted as ids") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let digest = ConformanceFixtures.digest()
            // A raw 32-byte token in base64url, an uppercase digest, a short one: all refused.
            for bad in ["q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80", digest.uppercased(), String(digest.prefix(63)), ""] {
                try await expectStoreError(.invalidInput, "session id \(bad.debugDescription)") {
                    try await store.createSession(ConformanceFixtures.session(of: user, digest: bad))
                }
            }
            try await store.createSession(ConformanceFixtures.session(of: user, digest: digest))
            try await expectStoreError(.conflict, "a second session with the same digest") {
                try await store.createSession(ConformanceFixtures.session(of: user, digest: digest))
            }
            try await expectStoreError(.invalidInput, "a session of a user that does not exist") {
                var orphan = ConformanceFixtures.session(of: user)
                orphan.userID = User.makeID()
                try await store.createSession(orphan)
            }
        },

        Case("sessions: expired sessions are invisible") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let session = ConformanceFixtures.session(of: user)
            try await store.createSession(session)
            let lookup = { (seconds: Int) in
                try await store.session(tenantID: "acme", digest: session.digest,
                                        now: ConformanceFixtures.date(plusSeconds: seconds))
            }
            try expectEqual(try await lookup(3599), session, "one second before the idle timeout")
            try expectEqual(try await lookup(3600), nil, "at the idle timeout")
            try expect(!(try await store.touch(tenantID: "acme", digest: session.digest,
                                               now: ConformanceFixtures.date(plusSeconds: 3600),
                                               idleExpiresAt: ConformanceFixtures.date(plusSeconds: 7200))),
                       "touching an idle-expired session")
            try expectEqual(try await lookup(3599), session, "an expired session is not brought back by touch")

            var longIdle = ConformanceFixtures.session(of: user)
            longIdle.idleExpiresAt = ConformanceFixtures.date(plusSeconds: 200_000)
            try await store.createSession(longIdle)
            try expectEqual(try await store.session(tenantID: "acme", digest: longIdle.digest,
                                                    now: ConformanceFixtures.date(plusSeconds: 86_400)),
                            nil, "at the absolute timeout")
            try expectEqual(try await store.activeSessions(
                tenantID: "acme", userID: user.id, now: ConformanceFixtures.date(plusSeconds: 86_400)).count,
                0, "active sessions after both timeouts")
        },

        Case("sessions: touch moves the idle timeout, never past the absolute one") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let session = ConformanceFixtures.session(of: user)
            try await store.createSession(session)
            let now = ConformanceFixtures.date(plusSeconds: 3000)
            try expect(try await store.touch(tenantID: "acme", digest: session.digest, now: now,
                                             idleExpiresAt: ConformanceFixtures.date(plusSeconds: 6600)),
                       "touching a live session")
            var expected = session
            expected.lastSeenAt = now
            expected.idleExpiresAt = ConformanceFixtures.date(plusSeconds: 6600)
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest,
                                                    now: ConformanceFixtures.date(plusSeconds: 5000)),
                            expected, "the session after touch")
            // A late, older touch must not move either time backwards.
            _ = try await store.touch(tenantID: "acme", digest: session.digest,
                                      now: ConformanceFixtures.date(plusSeconds: 2000),
                                      idleExpiresAt: ConformanceFixtures.date(plusSeconds: 5600))
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest, now: now),
                            expected, "the session after an out-of-order touch")
            _ = try await store.touch(tenantID: "acme", digest: session.digest,
                                      now: ConformanceFixtures.date(plusSeconds: 6000),
                                      idleExpiresAt: ConformanceFixtures.date(plusSeconds: 999_999))
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest, now: now)?.idleExpiresAt,
                            session.absoluteExpiresAt, "the idle timeout capped at the absolute one")
            try expect(!(try await store.touch(tenantID: "globex", digest: session.digest, now: now,
                                               idleExpiresAt: ConformanceFixtures.date(plusSeconds: 7000))),
                       "touching acme's session as globex")
        },

        Case("sessions: revoked sessions never work again") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let other = try await ConformanceFixtures.createdUser(in: store, email: "other@example.com")
            let sessions = [ConformanceFixtures.session(of: user), ConformanceFixtures.session(of: user),
                            ConformanceFixtures.session(of: user)]
            let otherSession = ConformanceFixtures.session(of: other)
            for session in sessions + [otherSession] {
                try await store.createSession(session)
            }
            let now = ConformanceFixtures.date(plusSeconds: 10)
            try expect(!(try await store.revokeSession(tenantID: "globex", digest: sessions[0].digest, at: now)),
                       "revoking acme's session as globex")
            try expect(try await store.revokeSession(tenantID: "acme", digest: sessions[0].digest, at: now),
                       "the first revoke revokes")
            try expect(!(try await store.revokeSession(tenantID: "acme", digest: sessions[0].digest, at: now)),
                       "a second revoke finds nothing to revoke")
            try expectEqual(try await store.session(tenantID: "acme", digest: sessions[0].digest, now: now), nil,
                            "a revoked session")
            try expect(!(try await store.touch(tenantID: "acme", digest: sessions[0].digest, now: now,
                                               idleExpiresAt: ConformanceFixtures.date(plusSeconds: 4000))),
                       "touching a revoked session")
            try expectEqual(try await store.revokeAllSessions(tenantID: "globex", userID: user.id, at: now), 0,
                            "sessions revoked as globex")
            try expectEqual(try await store.revokeAllSessions(tenantID: "acme", userID: user.id, at: now), 2,
                            "sessions revoked by revokeAll")
            try expectEqual(try await store.activeSessions(tenantID: "acme", userID: user.id, now: now), [],
                            "the user's active sessions")
            try expectEqual(try await store.session(tenantID: "acme", digest: otherSession.digest, now: now),
                            otherSession, "another user's session")
        },

        Case("sessions: a blocked or deleted user's sessions stop working at once") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let session = ConformanceFixtures.session(of: user)
            try await store.createSession(session)
            let now = ConformanceFixtures.date(plusSeconds: 10)
            var blocked = user
            blocked.blocked = true
            blocked.updatedAt = now
            guard let stored = try await store.update(blocked) else {
                try expect(false, "blocking the user found no user")
                return
            }
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest, now: now), nil,
                            "the blocked user's session")
            try expect(!(try await store.touch(tenantID: "acme", digest: session.digest, now: now,
                                               idleExpiresAt: ConformanceFixtures.date(plusSeconds: 4000))),
                       "touching the blocked user's session")
            try expectEqual(try await store.activeSessions(tenantID: "acme", userID: user.id, now: now), [],
                            "the blocked user's active sessions")
            // Unblocking does not bring the old session back: it may be why the user was blocked.
            var unblocked = stored
            unblocked.blocked = false
            _ = try await store.update(unblocked)
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest, now: now), nil,
                            "the session after unblocking")

            let fresh = ConformanceFixtures.session(of: user)
            try await store.createSession(fresh)
            try await store.delete(tenantID: "acme", id: user.id)
            try expectEqual(try await store.session(tenantID: "acme", digest: fresh.digest, now: now), nil,
                            "the deleted user's session")
        },

        Case("sessions: deleteExpired removes dead sessions only") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let live = ConformanceFixtures.session(of: user)
            var idleExpired = ConformanceFixtures.session(of: user)
            idleExpired.idleExpiresAt = ConformanceFixtures.date(plusSeconds: 50)
            var absoluteExpired = ConformanceFixtures.session(of: user)
            absoluteExpired.idleExpiresAt = ConformanceFixtures.date(plusSeconds: 200_000)
            absoluteExpired.absoluteExpiresAt = ConformanceFixtures.date(plusSeconds: 100)
            var revoked = ConformanceFixtures.session(of: user)
            revoked.revokedAt = ConformanceFixtures.date(plusSeconds: 20)
            for session in [live, idleExpired, absoluteExpired, revoked] {
                try await store.createSession(session)
            }
            try expectEqual(try await store.deleteExpiredSessions(before: ConformanceFixtures.date(plusSeconds: 10)), 0,
                            "sessions deleted before anything expired")
            try expectEqual(try await store.deleteExpiredSessions(before: ConformanceFixtures.date(plusSeconds: 100)), 3,
                            "sessions deleted")
            try expectEqual(try await store.activeSessions(
                tenantID: "acme", userID: user.id, now: ConformanceFixtures.baseDate), [live], "sessions left")
        },
    ]
}
