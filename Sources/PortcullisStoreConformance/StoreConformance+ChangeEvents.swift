import Foundation
import PortcullisStore

/// A change and the events describing it commit together or not at all.
extension StoreConformance {
    static func event(_ kind: DomainEventKind, about user: User, second: Int = 0) -> DomainEvent {
        DomainEvent(kind, tenantID: user.tenantID, subject: .user(user.id), actor: .operator("conformance"),
                    request: EventRequestContext(ip: "203.0.113.9", userAgent: "conformance", requestID: "req-1"),
                    at: ConformanceFixtures.date(plusSeconds: second), details: ["connection": user.connection])
    }

    static let changeEventCases: [Case] = [
        Case("change events: a successful change writes exactly its events, with every field") { store in
            let user = ConformanceFixtures.user(email: "ann@example.com")
            let created = event(.userCreated, about: user, second: 1)
            let password = event(.passwordChanged, about: user, second: 2)
            try await store.create(user, events: [created])
            try await store.setPassword(PasswordCredential(tenantID: user.tenantID, userID: user.id, hash: "$2b$04$x",
                                                           updatedAt: ConformanceFixtures.baseDate), events: [password])
            let recent = try await store.recent(tenantID: user.tenantID, limit: 10)
            try expectSameEvents(recent, [AuditEvent(password), AuditEvent(created)], "the two events, newest first")
            try expectEqual(recent.first?.subject, "user:" + user.id, "subject")
            try expectEqual(recent.first?.actor, "operator:conformance", "actor")
            try expectEqual(recent.first?.requestID, "req-1", "request ID")
        },

        Case("change events: a change that fails writes none of its events") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            // Same email on the same connection: a conflict.
            let twin = ConformanceFixtures.user(email: "ann@example.com")
            try await expectStoreError(.conflict, "creating a duplicate user") {
                try await store.create(twin, events: [event(.userCreated, about: twin)])
            }
            var stale = user
            stale.version += 5
            stale.name = "Stale"
            try await expectStoreError(.conflict, "updating from a stale version") {
                _ = try await store.update(stale, events: [event(.userUpdated, about: user)])
            }
            try expectEqual(try await store.recent(tenantID: user.tenantID, limit: 10).count, 0, "events written")
        },

        Case("change events: a change that finds nothing to change writes none of its events") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            let removed = try await store.removeMember(tenantID: user.tenantID, organizationID: "org_missing",
                                                       userID: user.id, events: [event(.memberRemoved, about: user)])
            try expect(!removed, "nothing to remove")
            let deleted = try await store.delete(tenantID: user.tenantID, id: "usr_missing",
                                                 events: [event(.userDeleted, about: user)])
            try expect(!deleted, "no such user")
            let revoked = try await store.revokeAllSessions(tenantID: user.tenantID, userID: user.id,
                                                            at: ConformanceFixtures.baseDate,
                                                            events: [event(.sessionsRevoked, about: user)])
            try expectEqual(revoked, 0, "sessions revoked")
            try expectEqual(try await store.recent(tenantID: user.tenantID, limit: 10).count, 0, "events written")
        },

        Case("change events: an event that cannot be stored rolls its change back") { store in
            let user = ConformanceFixtures.user(email: "bob@example.com")
            var first = event(.userCreated, about: user)
            try await store.appendEvents([first])
            // The same event ID again: the event's insert fails, so the user must not exist either.
            first.details = ["again": "yes"]
            do {
                try await store.create(user, events: [first])
                try expect(false, "creating with a duplicate event ID succeeded")
            } catch is StoreError {}
            try expectEqual(try await store.user(tenantID: user.tenantID, id: user.id), nil, "the user after the rollback")
        },

        Case("change events: appendEvents writes a batch in order") { store in
            let user = ConformanceFixtures.user(email: "cy@example.com")
            let events = (0..<3).map { event(.loginFailed, about: user, second: $0) }
            try await store.appendEvents(events)
            try await store.appendEvents([])
            try expectSameEvents(try await store.recent(tenantID: user.tenantID, limit: 10),
                                 events.reversed().map(AuditEvent.init), "the batch, newest first")
        },
    ]
}
