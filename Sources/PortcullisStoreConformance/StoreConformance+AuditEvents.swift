import PortcullisStore

extension StoreConformance {
    static let auditEventCases: [Case] = [
        Case("audit events: recent returns newest first") { store in
            let events = [3, 1, 4, 2].map { offset in
                AuditEvent(tenantID: "acme", type: "test.event\(offset)",
                           occurredAt: ConformanceFixtures.date(plusMilliseconds: offset * 1000), actor: "user_\(offset)")
            }
            // Appended out of time order: the store must order by occurredAt, not by arrival.
            for event in events {
                try await store.append(event)
            }
            let recent = try await store.recent(tenantID: "acme", limit: 10)
            let expected = events.sorted { $0.occurredAt > $1.occurredAt }
            try expectSameEvents(recent, expected, "events newest first")
            let newestTwo = try await store.recent(tenantID: "acme", limit: 2)
            try expectSameEvents(newestTwo, Array(expected.prefix(2)), "the two newest events")
        },

        Case("audit events: equal times come back last-appended first") { store in
            let events = (0..<5).map { index in
                AuditEvent(tenantID: "acme", type: "test.same_time_\(index)", occurredAt: ConformanceFixtures.baseDate)
            }
            for event in events {
                try await store.append(event)
            }
            let recent = try await store.recent(tenantID: "acme", limit: 10)
            try expectEqual(recent.map(\.type), events.reversed().map(\.type), "types in order")
        },

        Case("audit events: limit is clamped to 1...1000") { store in
            let count = AuditEventLimit.range.upperBound + 1
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await store.append(AuditEvent(
                            tenantID: "acme", type: "test.bulk",
                            occurredAt: ConformanceFixtures.date(plusMilliseconds: index)))
                    }
                }
                try await group.waitForAll()
            }
            try expectEqual(try await store.recent(tenantID: "acme", limit: 0).count, 1, "events for limit 0")
            try expectEqual(try await store.recent(tenantID: "acme", limit: -7).count, 1, "events for limit -7")
            try expectEqual(try await store.recent(tenantID: "acme", limit: 3).count, 3, "events for limit 3")
            let capped = try await store.recent(tenantID: "acme", limit: Int.max)
            try expectEqual(capped.count, AuditEventLimit.range.upperBound, "events for limit Int.max")
            try expect(
                ConformanceFixtures.sameMillisecond(
                    capped[0].occurredAt, ConformanceFixtures.date(plusMilliseconds: count - 1)),
                "the capped list starts with the newest event")
        },

        Case("audit events: recent filters by tenant") { store in
            let acme = AuditEvent(tenantID: "acme", type: "test.acme", occurredAt: ConformanceFixtures.baseDate)
            let globex = AuditEvent(tenantID: "globex", type: "test.globex", occurredAt: ConformanceFixtures.baseDate)
            let instance = AuditEvent(tenantID: nil, type: "config.reloaded", occurredAt: ConformanceFixtures.baseDate)
            for event in [acme, globex, instance] {
                try await store.append(event)
            }
            try expectEqual(try await store.recent(tenantID: "acme", limit: 10).map(\.id), [acme.id], "acme's events")
            try expectEqual(try await store.recent(tenantID: "globex", limit: 10).map(\.id), [globex.id], "globex's events")
            try expectEqual(try await store.recent(tenantID: nil, limit: 10).map(\.id), [instance.id], "instance-wide events")
            try expectEqual(try await store.recent(tenantID: "initech", limit: 10).count, 0, "events of a silent tenant")
        },

        Case("audit events: details and text round-trip, unicode included") { store in
            let event = AuditEvent(
                tenantID: "tenant-ü", type: "user.login_failed", occurredAt: ConformanceFixtures.date(plusMilliseconds: 123),
                actor: "Zoë 🦀",
                details: [
                    "reason": "mot de passe erroné",
                    "city": "東京",
                    "emoji": "🔐👩🏽‍💻",
                    "quotes": "\"'<>&\\/",
                    "multiline": "first\nsecond\ttabbed",
                    "empty": "",
                    "url": "https://example.com/callback?x=1&y=2",
                ])
            let bare = AuditEvent(tenantID: "tenant-ü", type: "user.logout",
                                  occurredAt: ConformanceFixtures.baseDate, actor: nil, details: [:])
            try await store.append(event)
            try await store.append(bare)
            let recent = try await store.recent(tenantID: "tenant-ü", limit: 10)
            try expectSameEvents(recent, [event, bare], "events read back")
        },

        Case("audit events: appending an existing id is a conflict") { store in
            let event = AuditEvent(tenantID: "acme", type: "test.once", occurredAt: ConformanceFixtures.baseDate)
            try await store.append(event)
            do {
                try await store.append(event)
                try expect(false, "expected StoreError.conflict for a duplicate id")
            } catch let error as StoreError {
                guard case .conflict = error else {
                    try expect(false, "expected StoreError.conflict, got \(error)")
                    return
                }
            }
            try expectEqual(try await store.recent(tenantID: "acme", limit: 10).count, 1, "events stored")
        },
    ]
}
