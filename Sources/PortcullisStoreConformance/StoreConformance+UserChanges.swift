import Foundation
import PortcullisStore

extension StoreConformance {
    static let userChangeCases: [Case] = [
        Case("users: update replaces the record and bumps the version") { store in
            let user = try await ConformanceFixtures.createdUser(in: store, email: "ann@example.com")
            var changed = user
            changed.email = "Ann.New@Example.com"
            changed.emailVerified = true
            changed.username = "ann"
            changed.name = "Ann"
            changed.picture = nil
            changed.blocked = false
            changed.appMetadataJSON = #"{"plan":"pro"}"#
            changed.updatedAt = ConformanceFixtures.date(plusSeconds: 60)
            // Fields the store owns: an update must leave them as they are.
            changed.connection = "partners"
            changed.createdAt = ConformanceFixtures.date(plusSeconds: 999)
            changed.loginCount = 42
            changed.lastLoginAt = ConformanceFixtures.date(plusSeconds: 30)

            var expected = changed
            expected.connection = user.connection
            expected.createdAt = user.createdAt
            expected.loginCount = 0
            expected.lastLoginAt = nil
            expected.version = user.version + 1
            try expectEqual(try await store.update(changed), expected, "the updated user returned")
            try expectEqual(try await store.user(tenantID: "acme", id: user.id), expected, "the updated user read back")
            try expectEqual(
                try await store.user(tenantID: "acme", connection: "database", email: "ann.new@example.com")?.id,
                user.id, "the user found by the new email")
            try expectEqual(
                try await store.user(tenantID: "acme", connection: "database", email: "ann@example.com"),
                nil, "the user found by the old email")
        },

        Case("users: an update based on an old version is a conflict") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            var first = user
            first.name = "First"
            var second = user
            second.name = "Second"
            try expectEqual(try await store.update(first)?.version, 2, "version after the first update")
            try await expectStoreError(.conflict, "an update from the same read") { _ = try await store.update(second) }
            try expectEqual(try await store.user(tenantID: "acme", id: user.id)?.name, "First", "the name kept")
            var missing = ConformanceFixtures.user(email: "ghost@example.com")
            missing.name = "Ghost"
            try expectEqual(try await store.update(missing), nil, "update of a user that does not exist")
        },

        Case("users: an update to another user's email or username is a conflict") { store in
            try await store.create(ConformanceFixtures.user(email: "ann@example.com", username: "ann"))
            let bob = ConformanceFixtures.user(email: "bob@example.com")
            try await store.create(bob)
            var takesEmail = bob
            takesEmail.email = "ANN@example.com"
            try await expectStoreError(.conflict, "taking ann's email") { _ = try await store.update(takesEmail) }
            var takesUsername = bob
            takesUsername.username = "Ann"
            try await expectStoreError(.conflict, "taking ann's username") { _ = try await store.update(takesUsername) }
            try expectEqual(try await store.user(tenantID: "acme", id: bob.id), bob, "bob, unchanged")
        },

        Case("users: delete removes the password, lockout, sessions and tokens too") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let other = try await ConformanceFixtures.createdUser(in: store, email: "other@example.com")
            let now = ConformanceFixtures.baseDate
            try await store.setPassword(PasswordCredential(
                tenantID: "acme", userID: user.id, hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", updatedAt: now))
            _ = try await store.recordFailure(tenantID: "acme", userID: user.id, at: now)
            let session = ConformanceFixtures.session(of: user)
            try await store.createSession(session)
            let token = ConformanceFixtures.emailToken(of: user)
            try await store.createEmailToken(token)
            let otherSession = ConformanceFixtures.session(of: other)
            try await store.createSession(otherSession)

            try expect(try await store.delete(tenantID: "acme", id: user.id), "the first delete deletes")
            try expect(!(try await store.delete(tenantID: "acme", id: user.id)), "a second delete finds nothing")
            try expectEqual(try await store.user(tenantID: "acme", id: user.id), nil, "the deleted user")

            // A user re-created with the same id must not inherit anything: the rows are gone,
            // not merely hidden.
            try await store.create(user)
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id), nil, "the password")
            try expectEqual(try await store.lockState(tenantID: "acme", userID: user.id), LoginLockState(),
                            "the lockout state")
            try expectEqual(try await store.session(tenantID: "acme", digest: session.digest, now: now), nil,
                            "the session")
            try expectEqual(
                try await store.consumeEmailToken(tenantID: "acme", digest: token.digest, purpose: token.purpose, now: now),
                nil, "the email token")
            try expectEqual(try await store.session(tenantID: "acme", digest: otherSession.digest, now: now),
                            otherSession, "another user's session")
        },

        Case("users: pages list users oldest first, with the total") { store in
            // Created out of time order: the store must order by createdAt, not by arrival.
            let offsets = [5, 2, 6, 0, 3, 1, 4]
            var users: [User] = []
            for offset in offsets {
                let user = ConformanceFixtures.user(
                    email: "user\(offset)@example.com", createdAt: ConformanceFixtures.date(plusSeconds: offset))
                try await store.create(user)
                users.append(user)
            }
            try await store.create(ConformanceFixtures.user(tenant: "globex", email: "user0@example.com"))
            let oldestFirst = users.sorted { $0.createdAt < $1.createdAt }.map(\.id)

            var seen: [String] = []
            for page in 0..<3 {
                let result = try await store.users(tenantID: "acme", page: page, perPage: 3)
                try expectEqual(result.total, 7, "total on page \(page)")
                try expectEqual(result.page, page, "page number")
                try expectEqual(result.perPage, 3, "page size")
                seen += result.users.map(\.id)
            }
            try expectEqual(seen, oldestFirst, "ids over three pages")
            let past = try await store.users(tenantID: "acme", page: 3, perPage: 3)
            try expectEqual(past.users.count, 0, "users past the last page")
            try expectEqual(past.total, 7, "total past the last page")
            let far = try await store.users(tenantID: "acme", page: Int.max, perPage: Int.max)
            try expectEqual(far.users.count, 0, "users on page Int.max")
            try expectEqual(far.perPage, UserPageSize.range.upperBound, "page size for Int.max")
            let clamped = try await store.users(tenantID: "acme", page: -4, perPage: 0)
            try expectEqual(clamped.page, 0, "page number for -4")
            try expectEqual(clamped.users.map(\.id), [oldestFirst[0]], "users for page -4, size 0")
        },

        Case("users: recordLogin counts 20 concurrent logins") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        _ = try await store.recordLogin(
                            tenantID: "acme", id: user.id, at: ConformanceFixtures.date(plusSeconds: index))
                    }
                }
                try await group.waitForAll()
            }
            let stored = try await store.user(tenantID: "acme", id: user.id)
            try expectEqual(stored?.loginCount, 20, "login count")
            try expect(stored?.lastLoginAt != nil, "a last login time is set")
            try expectEqual(stored?.version, user.version, "version, which logins leave alone")
            let last = try await store.recordLogin(tenantID: "acme", id: user.id, at: ConformanceFixtures.date(plusSeconds: 99))
            try expectEqual(last?.lastLoginAt, ConformanceFixtures.date(plusSeconds: 99), "last login after one more")
            try expectEqual(last?.loginCount, 21, "login count after one more")
            try expectEqual(try await store.recordLogin(tenantID: "acme", id: User.makeID(), at: Date()), nil,
                            "login of a user that does not exist")
        },
    ]
}
