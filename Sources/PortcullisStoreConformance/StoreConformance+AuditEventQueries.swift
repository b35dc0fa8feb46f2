import Foundation
import PortcullisStore

extension StoreConformance {
    /// Six events of acme (and one of globex): logins of two users, an API change, a token.
    static func eventFixture(_ store: any PortcullisStorage) async throws -> [AuditEvent] {
        let rows: [(String, String?, String?, [String: String])] = [
            ("login.succeeded", "user:usr_a", "user:usr_a", ["connection": "database"]),
            ("login.failed", "user:usr_a", "user:usr_a", ["reason": "wrong_password"]),
            ("login.failed", nil, nil, ["reason": "unknown_account"]),
            ("user.created", "user:usr_b", "client:admin", ["via": "api"]),
            ("token.issued", "client:admin", "client:admin", ["grant_type": "client_credentials", "client_id": "admin"]),
            ("login.succeeded", "user:usr_b", "user:usr_b", [:]),
        ]
        var events: [AuditEvent] = []
        for (index, row) in rows.enumerated() {
            let event = AuditEvent(tenantID: "acme", type: row.0, occurredAt: ConformanceFixtures.date(plusSeconds: index < 3 ? 0 : index),
                                   actor: row.2, details: row.3, subject: row.1, ip: index == 1 ? "198.51.100.9" : nil)
            try await store.append(event)
            events.append(event)
        }
        try await store.append(AuditEvent(tenantID: "globex", type: "login.succeeded", occurredAt: ConformanceFixtures.baseDate))
        return events
    }

    static let auditEventQueryCases: [Case] = [
        Case("audit events: filters on type, parties, details, address and time") { store in
            let events = try await eventFixture(store)
            func types(_ filter: AuditEventFilter, oldestFirst: Bool = true) async throws -> [String] {
                try await store.events(tenantID: "acme", matching: filter, oldestFirst: oldestFirst, page: 0, perPage: 100)
                    .events.map(\.id)
            }
            let ids = events.map(\.id)
            let checks: [(AuditEventFilter, [String], String)] = [
                (.all, ids, "all, oldest first with equal times in append order"),
                (.type(["login.failed"]), [ids[1], ids[2]], "type"),
                (.type([]), [], "no type"),
                (.subject("user:usr_a"), [ids[0], ids[1]], "subject"),
                (.actor("client:admin"), [ids[3], ids[4]], "actor"),
                (.ip("198.51.100.9"), [ids[1]], "ip"),
                (.detail("reason", "unknown_account"), [ids[2]], "detail"),
                (.and([.type(["login.failed"]), .not(.detail("reason", "wrong_password"))]), [ids[2]], "NOT on a missing detail"),
                (.not(.subject("user:usr_a")), [ids[2], ids[3], ids[4], ids[5]], "NOT keeps events without a subject"),
                (.occurred(from: ConformanceFixtures.date(plusSeconds: 3), fromInclusive: false, to: ConformanceFixtures.date(plusSeconds: 5),
                           toInclusive: true), [ids[4], ids[5]], "time range"),
                (.or([.type(["user.created"]), .detail("grant_type", "client_credentials")]), [ids[3], ids[4]], "OR"),
            ]
            for (filter, expected, label) in checks {
                try expectEqual(try await types(filter), expected, label)
            }
            try expectEqual(try await types(.all, oldestFirst: false), ids.reversed(), "newest first, equal times last-appended first")
            let page = try await store.events(tenantID: "acme", matching: .all, oldestFirst: true, page: 1, perPage: 4)
            try expectEqual(page.total, 6, "total")
            try expectEqual(page.events.map(\.id), [ids[4], ids[5]], "second page")
            try await expectStoreError(.invalidInput, "a detail key with a quote") {
                _ = try await store.events(tenantID: "acme", matching: .detail("a'b", "x"), oldestFirst: true, page: 0, perPage: 1)
            }
        },

        Case("audit events: checkpoints resume after an event, through equal times, and find single events") { store in
            let events = try await eventFixture(store)
            var seen: [String] = []
            var checkpoint: String?
            while true {
                let batch = try await store.events(tenantID: "acme", matching: .all, after: checkpoint, take: 2)
                if batch.isEmpty { break }
                seen += batch.map(\.id)
                checkpoint = batch.last?.id
            }
            try expectEqual(seen, events.map(\.id), "every event once, in order")
            try expectEqual(try await store.events(tenantID: "acme", matching: .all, after: "evt_unknown", take: 5).count, 0,
                            "an unknown checkpoint gives nothing")
            let failed = try await store.events(tenantID: "acme", matching: .type(["login.failed"]), after: events[0].id, take: 5)
            try expectEqual(failed.map(\.id), [events[1].id, events[2].id], "filtered after a checkpoint")
            try expectEqual(try await store.event(tenantID: "acme", id: events[3].id)?.details, ["via": "api"], "one event")
            try expect(try await store.event(tenantID: "globex", id: events[3].id) == nil, "not through another tenant")
        },

        Case("audit events: retention deletes what happened before the cutoff") { store in
            _ = try await eventFixture(store)
            try expectEqual(try await store.deleteEvents(before: ConformanceFixtures.date(plusSeconds: 4)), 5, "deleted (globex's too)")
            try expectEqual(try await store.events(tenantID: "acme", matching: .all, oldestFirst: true, page: 0, perPage: 10).total, 2,
                            "left")
        },

        Case("refresh tokens: the live ones of a user, newest first") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let first = ConformanceFixtures.refreshToken(of: user, family: "grt_one")
            var second = ConformanceFixtures.refreshToken(of: user, family: "grt_two")
            second.createdAt = ConformanceFixtures.date(plusSeconds: 10)
            var revoked = ConformanceFixtures.refreshToken(of: user, family: "grt_three")
            revoked.createdAt = ConformanceFixtures.date(plusSeconds: 20)
            for token in [first, second, revoked] { try await store.createRefreshToken(token) }
            _ = try await store.revokeRefreshTokenFamily(tenantID: "acme", familyID: "grt_three", at: ConformanceFixtures.date(plusSeconds: 30))
            let live = try await store.liveRefreshTokens(tenantID: "acme", userID: user.id, now: ConformanceFixtures.date(plusSeconds: 40))
            try expectEqual(live.map(\.familyID), ["grt_two", "grt_one"], "live tokens")
            let later = try await store.liveRefreshTokens(tenantID: "acme", userID: user.id,
                                                          now: ConformanceFixtures.date(plusSeconds: 7200))
            try expectEqual(later.count, 0, "expired tokens are not live")
        },
    ]
}
