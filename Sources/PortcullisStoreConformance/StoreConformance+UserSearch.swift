import Foundation
import PortcullisStore

extension StoreConformance {
    /// Five users of acme (and one of globex, never found) with fields to search on.
    static func searchFixture(_ store: any PortcullisStorage) async throws -> [User] {
        var users: [User] = []
        let rows: [(email: String, name: String?, connection: String, blocked: Bool, app: String, logins: Int)] = [
            ("ann@acme.test", "Ann Åström", "database", false, #"{"plan":"gold","seats":5,"beta":true}"#, 3),
            ("bob@acme.test", "Bob", "database", true, #"{"plan":"free"}"#, 0),
            ("cleo@partner.example", "Cléo", "partners", false, #"{"plan":"gold","tier":{"level":"2"}}"#, 7),
            ("dan@partner.example", nil, "database", false, "{}", 1),
            ("Eve@Acme.Test", "eve", "partners", false, #"{"seats":"5"}"#, 0),
        ]
        for (index, row) in rows.enumerated() {
            var user = ConformanceFixtures.user(connection: row.connection, email: row.email,
                                                createdAt: ConformanceFixtures.date(plusSeconds: index * 60))
            user.name = row.name
            user.blocked = row.blocked
            user.appMetadataJSON = row.app
            try await store.create(user)
            for login in 0..<row.logins {
                user = try await store.recordLogin(tenantID: "acme", id: user.id,
                                                   at: ConformanceFixtures.date(plusSeconds: 1000 + index * 10 + login)) ?? user
            }
            users.append(user)
        }
        try await store.create(ConformanceFixtures.user(tenant: "globex", email: "ann@acme.test"))
        return users
    }

    static let userSearchCases: [Case] = [
        Case("user search: fields, patterns, metadata, ranges and boolean operators") { store in
            let users = try await searchFixture(store)
            func emails(_ query: UserQuery, _ sort: UserSort = .oldestFirst) async throws -> [String] {
                try await store.users(tenantID: "acme", matching: query, sort: sort, page: 0, perPage: 100).users.map(\.email)
            }
            let checks: [(UserQuery, [String], String)] = [
                (.all, users.map(\.email), "everything"),
                (.match(.email, .exact("ANN@acme.test")), ["ann@acme.test"], "email, any case"),
                (.match(.email, .suffix("@acme.test")), ["ann@acme.test", "bob@acme.test", "Eve@Acme.Test"], "email suffix"),
                (.match(.email, .prefix("c")), ["cleo@partner.example"], "email prefix"),
                (.match(.emailDomain, .exact("partner.example")), ["cleo@partner.example", "dan@partner.example"], "email.domain"),
                (.match(.name, .exact("ann åström")), ["ann@acme.test"], "name folds beyond ASCII"),
                (.match(.name, .contains("CL")), ["cleo@partner.example"], "name contains, any case"),
                (.match(.userID, .exact(users[1].externalID)), ["bob@acme.test"], "user_id connection|id"),
                (.match(.userID, .exact(users[1].id)), ["bob@acme.test"], "user_id bare id"),
                (.match(.userID, .exact("database|" + users[2].id)), [], "user_id with the wrong connection"),
                (.match(.connection, .exact("partners")), ["cleo@partner.example", "Eve@Acme.Test"], "connection"),
                (.match(.blocked, .exact("true")), ["bob@acme.test"], "blocked"),
                (.match(.appMetadata(["plan"]), .exact("gold")), ["ann@acme.test", "cleo@partner.example"], "app_metadata text"),
                (.match(.appMetadata(["plan"]), .exact("Gold")), [], "metadata compares exactly"),
                (.match(.appMetadata(["seats"]), .exact("5")), ["ann@acme.test", "Eve@Acme.Test"], "a number matches 5 and \"5\""),
                (.match(.appMetadata(["beta"]), .exact("true")), ["ann@acme.test"], "app_metadata boolean"),
                (.match(.appMetadata(["tier", "level"]), .exact("2")), ["cleo@partner.example"], "nested path"),
                (.exists(.appMetadata(["plan"])), ["ann@acme.test", "bob@acme.test", "cleo@partner.example"], "_exists_"),
                (.exists(.name), ["ann@acme.test", "bob@acme.test", "cleo@partner.example", "Eve@Acme.Test"], "_exists_:name"),
                (.range(.loginsCount, lower: UserQueryBound(.count(1), inclusive: true), upper: UserQueryBound(.count(7), inclusive: false)),
                 ["ann@acme.test", "dan@partner.example"], "logins_count [1 TO 7}"),
                (.range(.createdAt, lower: UserQueryBound(.time(ConformanceFixtures.date(plusSeconds: 120)), inclusive: true), upper: nil),
                 ["cleo@partner.example", "dan@partner.example", "Eve@Acme.Test"], "created_at from a time"),
                (.and([.match(.appMetadata(["plan"]), .exact("gold")), .match(.connection, .exact("database"))]),
                 ["ann@acme.test"], "AND"),
                (.or([.match(.blocked, .exact("true")), .match(.email, .prefix("dan"))]),
                 ["bob@acme.test", "dan@partner.example"], "OR"),
                (.and([.match(.email, .suffix("@acme.test")), .not(.match(.blocked, .exact("true")))]),
                 ["ann@acme.test", "Eve@Acme.Test"], "NOT"),
                (.or([]), [], "an empty OR matches nothing"),
                (.not(.match(.name, .exact("bob"))), ["ann@acme.test", "cleo@partner.example", "dan@partner.example", "Eve@Acme.Test"],
                 "NOT keeps users without the field"),
            ]
            for (query, expected, label) in checks {
                try expectEqual(try await emails(query), expected, label)
            }
            let byLogins = try await emails(.all, UserSort(.loginsCount, ascending: false))
            try expectEqual(Array(byLogins.prefix(3)), ["cleo@partner.example", "ann@acme.test", "dan@partner.example"],
                            "sorted by logins_count descending")
            let tied = users.filter { $0.loginCount == 0 }.sorted { $0.id > $1.id }.map(\.email)
            try expectEqual(Array(byLogins.suffix(2)), tied, "equal counts: by id, in the same direction")
            try expectEqual(try await emails(.all, UserSort(.email)),
                            ["ann@acme.test", "bob@acme.test", "cleo@partner.example", "dan@partner.example", "Eve@Acme.Test"],
                            "sorted by email, any case")
            let never = try await emails(.all, UserSort(.lastLogin, ascending: false))
            try expectEqual(Array(never.suffix(2)).sorted(), ["Eve@Acme.Test", "bob@acme.test"], "never logged in: last")
            let page = try await store.users(tenantID: "acme", matching: .match(.email, .suffix("@acme.test")), sort: .oldestFirst,
                                             page: 1, perPage: 2)
            try expectEqual(page.total, 3, "the total counts matches, not all users")
            try await store.refreshStatistics()
            let uncounted = try await store.users(tenantID: "acme", matching: .match(.email, .suffix("@acme.test")), sort: .oldestFirst,
                                                  page: 1, perPage: 2, countingTotal: false)
            try expectEqual(uncounted.total, nil, "no total when not asked")
            try expectEqual(uncounted.users.map(\.email), ["Eve@Acme.Test"], "the same page without counting")
            try expectEqual(page.users.map(\.email), ["Eve@Acme.Test"], "second page of matches")
        },

        Case("user search: a metadata key the store cannot take is invalid input, not a query") { store in
            _ = try await searchFixture(store)
            try await expectStoreError(.invalidInput, "a quote in a metadata key") {
                _ = try await store.users(tenantID: "acme", matching: .match(.appMetadata(["pl'an"]), .exact("x")),
                                          sort: .oldestFirst, page: 0, perPage: 10)
            }
            try await expectStoreError(.invalidInput, "blocked:maybe") {
                _ = try await store.users(tenantID: "acme", matching: .match(.blocked, .exact("maybe")),
                                          sort: .oldestFirst, page: 0, perPage: 10)
            }
        },

        Case("users: create with a password stores both or neither") { store in
            let user = ConformanceFixtures.user(email: "pat@example.com")
            let credential = PasswordCredential(tenantID: "acme", userID: user.id, hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                                                updatedAt: ConformanceFixtures.baseDate)
            try await store.create(user, password: credential, events: [])
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id)?.hash, credential.hash, "password stored")
            let twin = ConformanceFixtures.user(email: "PAT@example.com")
            try await expectStoreError(.conflict, "a duplicate email") {
                try await store.create(twin, password: PasswordCredential(tenantID: "acme", userID: twin.id, hash: credential.hash,
                                                                          updatedAt: ConformanceFixtures.baseDate), events: [])
            }
            try expect(try await store.password(tenantID: "acme", userID: twin.id) == nil, "no password without its user")
            try await expectStoreError(.invalidInput, "a password of another user") {
                try await store.create(ConformanceFixtures.user(email: "q@example.com"), password: credential, events: [])
            }
        },
    ]
}

extension StoreConformance {
    static let linkedIdentityCases: [Case] = [
        Case("users: linking makes an identity of the primary, hidden from the list, deleted with it") { store in
            let primary = try await ConformanceFixtures.createdUser(in: store, email: "pri@example.com")
            var secondary = ConformanceFixtures.user(connection: "partners", email: "sec@example.com",
                                                     createdAt: ConformanceFixtures.date(plusSeconds: 5))
            try await store.create(secondary)
            let session = ConformanceFixtures.session(of: secondary)
            try await store.createSession(session)
            try await store.link(tenantID: "acme", secondaryID: secondary.id, to: primary.id,
                                 at: ConformanceFixtures.date(plusSeconds: 10), events: [])
            secondary = try await store.user(tenantID: "acme", id: secondary.id) ?? secondary
            try expectEqual(secondary.linkedTo, primary.id, "linked to the primary")
            try expectEqual(try await store.user(tenantID: "acme", connection: "partners", email: "sec@example.com")?.id,
                            secondary.id, "still found by its login (a login signs in as the primary)")
            try expectEqual(try await store.users(tenantID: "acme", page: 0, perPage: 10).users.map(\.id), [primary.id],
                            "not listed on its own")
            try expectEqual(try await store.linkedUsers(tenantID: "acme", primaryID: primary.id).map(\.id), [secondary.id],
                            "the primary's identities")
            let both = try await store.userWithIdentities(tenantID: "acme", id: primary.id)
            try expectEqual(both?.user.id, primary.id, "the primary, read with its identities")
            try expectEqual(both?.linked.map(\.id), [secondary.id], "its identities in the same read")
            try expectEqual(try await store.userWithIdentities(tenantID: "acme", id: secondary.id)?.linked, [],
                            "a linked identity has none of its own")
            try expect(try await store.userWithIdentities(tenantID: "globex", id: primary.id) == nil, "not in another tenant")
            try expect(try await store.session(tenantID: "acme", digest: session.digest,
                                               now: ConformanceFixtures.date(plusSeconds: 11)) == nil,
                       "the secondary's sessions ended")

            let third = try await ConformanceFixtures.createdUser(in: store, email: "third@example.com")
            try await expectStoreError(.invalidInput, "linking into a linked identity") {
                try await store.link(tenantID: "acme", secondaryID: third.id, to: secondary.id, at: ConformanceFixtures.baseDate,
                                     events: [])
            }
            try await expectStoreError(.invalidInput, "linking a primary that has identities") {
                try await store.link(tenantID: "acme", secondaryID: primary.id, to: third.id, at: ConformanceFixtures.baseDate,
                                     events: [])
            }
            try await expectStoreError(.invalidInput, "linking a user to itself") {
                try await store.link(tenantID: "acme", secondaryID: third.id, to: third.id, at: ConformanceFixtures.baseDate, events: [])
            }
            try await expectStoreError(.invalidInput, "linking across tenants") {
                let other = try await ConformanceFixtures.createdUser(in: store, tenant: "globex", email: "g@example.com")
                try await store.link(tenantID: "acme", secondaryID: other.id, to: primary.id, at: ConformanceFixtures.baseDate,
                                     events: [])
            }

            try expect(!(try await store.unlink(tenantID: "acme", secondaryID: secondary.id, from: third.id,
                                                at: ConformanceFixtures.baseDate, events: [])), "not linked to that primary")
            try expect(try await store.unlink(tenantID: "acme", secondaryID: secondary.id, from: primary.id,
                                              at: ConformanceFixtures.baseDate, events: []), "unlinked")
            try expectEqual(try await store.users(tenantID: "acme", page: 0, perPage: 10).total, 3, "listed again")
            try await store.link(tenantID: "acme", secondaryID: secondary.id, to: primary.id, at: ConformanceFixtures.baseDate,
                                 events: [])
            try await store.delete(tenantID: "acme", id: primary.id)
            try expect(try await store.user(tenantID: "acme", id: secondary.id) == nil, "deleted with its primary")
            try expect(try await store.user(tenantID: "acme", id: third.id) != nil, "others stay")
        },
    ]
}
