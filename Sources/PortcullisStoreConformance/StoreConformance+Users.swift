import Foundation
import PortcullisStore

extension StoreConformance {
    static let userCases: [Case] = [
        Case("users: a user round-trips by id, email and username") { store in
            var user = ConformanceFixtures.user(email: "Ann.Lee@Example.com", username: "AnnLee")
            user.emailVerified = true
            user.name = "Ann Lee"
            user.givenName = "Ann"
            user.familyName = "Lee"
            user.picture = "https://example.com/ann.png"
            user.appMetadataJSON = #"{"plan":"gold","roles":["admin"],"limits":{"seats":3}}"#
            user.userMetadataJSON = #"{"theme":"dark","city":"東京"}"#
            try await store.create(user)

            try expectEqual(try await store.user(tenantID: "acme", id: user.id), user, "user by id")
            try expectEqual(
                try await store.user(tenantID: "acme", connection: "database", email: "ann.lee@EXAMPLE.com"),
                user, "user by email in another case")
            try expectEqual(
                try await store.user(tenantID: "acme", connection: "database", username: "annlee"),
                user, "user by username in another case")
            try expectEqual(
                try await store.user(tenantID: "acme", connection: "database", email: "bob@example.com"),
                nil, "user by an unknown email")
            try expectEqual(try await store.user(tenantID: "acme", id: User.makeID()), nil, "user by an unknown id")
            try expectEqual(user.externalID, "database|" + user.id, "external id")
            try expect(user.id.hasPrefix("usr_") && user.id.count == 28, "user ids look like usr_ and 24 characters")
        },

        Case("users: email is unique per tenant and connection, whatever its case") { store in
            try await store.create(ConformanceFixtures.user(email: "Ann@Example.com"))
            try await expectStoreError(.conflict, "the same email in another case") {
                try await store.create(ConformanceFixtures.user(email: "ann@EXAMPLE.COM"))
            }
            // The same address is a different account on another connection or in another tenant.
            try await store.create(ConformanceFixtures.user(connection: "partners", email: "ann@example.com"))
            try await store.create(ConformanceFixtures.user(tenant: "globex", email: "ann@example.com"))
            try expectEqual(try await store.users(tenantID: "acme", page: 0, perPage: 10).total, 2, "acme's users")
        },

        Case("users: username is unique per connection; users without one never collide") { store in
            try await store.create(ConformanceFixtures.user(email: "a@example.com", username: "Ann"))
            try await expectStoreError(.conflict, "the same username in another case") {
                try await store.create(ConformanceFixtures.user(email: "b@example.com", username: "aNN"))
            }
            try await store.create(ConformanceFixtures.user(email: "c@example.com"))
            try await store.create(ConformanceFixtures.user(email: "d@example.com"))
            try expectEqual(try await store.users(tenantID: "acme", page: 0, perPage: 10).total, 3, "users stored")
        },

        Case("users: a duplicate id is a conflict") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            var twin = ConformanceFixtures.user(email: "other@example.com")
            twin.id = user.id
            try await expectStoreError(.conflict, "a second user with the same id") { try await store.create(twin) }
        },

        Case("users: another tenant's users are invisible and untouchable") { store in
            let user = try await ConformanceFixtures.createdUser(in: store, tenant: "acme")
            try expectEqual(try await store.user(tenantID: "globex", id: user.id), nil, "acme's user read as globex")
            try expectEqual(
                try await store.user(tenantID: "globex", connection: "database", email: user.email),
                nil, "acme's user found by email as globex")
            var moved = user
            moved.tenantID = "globex"
            moved.name = "Hijacked"
            try expectEqual(try await store.update(moved), nil, "update of acme's user as globex")
            try expect(!(try await store.delete(tenantID: "globex", id: user.id)), "delete of acme's user as globex")
            try expectEqual(try await store.recordLogin(tenantID: "globex", id: user.id, at: ConformanceFixtures.baseDate),
                            nil, "login of acme's user recorded as globex")
            try expectEqual(try await store.users(tenantID: "globex", page: 0, perPage: 10).total, 0, "globex's users")
            try expectEqual(try await store.user(tenantID: "acme", id: user.id), user, "acme's user, unchanged")
        },

        Case("users: metadata must be the text of JSON objects") { store in
            for bad in ["[1,2]", "not json", "\"text\"", ""] {
                var user = ConformanceFixtures.user(email: "ann@example.com")
                user.appMetadataJSON = bad
                try await expectStoreError(.invalidInput, "app_metadata \(bad.debugDescription)") {
                    try await store.create(user)
                }
                user.appMetadataJSON = "{}"
                user.userMetadataJSON = bad
                try await expectStoreError(.invalidInput, "user_metadata \(bad.debugDescription)") {
                    try await store.create(user)
                }
            }
            try expectEqual(try await store.users(tenantID: "acme", page: 0, perPage: 10).total, 0, "users stored")
        },
    ]
}
