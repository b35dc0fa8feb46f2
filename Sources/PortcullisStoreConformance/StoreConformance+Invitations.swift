import Foundation
import PortcullisStore

extension StoreConformance {
    static func invitation(to organization: Organization, roles: [String] = [], app: String = "{}", user: String = "{}",
                           expiresIn seconds: TimeInterval = 3600) -> Invitation {
        Invitation(tenantID: organization.tenantID, organizationID: organization.id, inviterName: "Ann",
                   inviteeEmail: "bob@example.com", clientID: "acme-web", roles: roles, appMetadataJSON: app,
                   userMetadataJSON: user, ticketDigest: ConformanceFixtures.digest(), createdAt: ConformanceFixtures.baseDate,
                   expiresAt: ConformanceFixtures.baseDate.addingTimeInterval(seconds))
    }

    /// What `acceptInvitation` refused with, or `nil` if it accepted.
    static func refusal(_ body: () async throws -> Void) async throws -> InvitationRefusal? {
        do {
            try await body()
            return nil
        } catch let refusal as InvitationRefusal {
            return refusal
        }
    }

    static let invitationCases: [Case] = [
        Case("invitations: created, read, listed newest first, counted and revoked per organization") { store in
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            let other = try await ConformanceFixtures.createdOrganization(in: store, name: "beta")
            var older = invitation(to: organization, roles: ["admin", "viewer"], app: #"{"plan":"gold"}"#)
            older.connection = "users"
            var newer = invitation(to: organization)
            newer.createdAt = ConformanceFixtures.date(plusSeconds: 5)
            for created in [older, newer, invitation(to: other)] { try await store.createInvitation(created, events: []) }
            try expectEqual(try await store.invitation(tenantID: "acme", organizationID: organization.id, id: older.id), older,
                            "read back whole")
            try expectEqual(try await store.invitation(tenantID: "acme", organizationID: other.id, id: older.id), nil,
                            "through another organization")
            try expectEqual(try await store.invitations(tenantID: "acme", organizationID: organization.id, offset: 0, limit: 10)
                .map(\.id), [newer.id, older.id], "newest first")
            try expectEqual(try await store.invitationCount(tenantID: "acme", organizationID: organization.id), 2, "counted")
            try expectEqual(try await store.invitation(tenantID: "acme", ticketDigest: older.ticketDigest)?.id, older.id, "by ticket")
            try expect(try await store.revokeInvitation(tenantID: "acme", organizationID: organization.id, id: older.id,
                                                        at: ConformanceFixtures.date(plusSeconds: 9), events: []), "revoked")
            try expect(!(try await store.revokeInvitation(tenantID: "acme", organizationID: organization.id, id: older.id,
                                                          at: ConformanceFixtures.date(plusSeconds: 9), events: [])), "again")
            try expectEqual(try await store.invitation(tenantID: "acme", organizationID: organization.id, id: older.id), nil,
                            "a revoked one is not read")
            try expectEqual(try await store.invitationCount(tenantID: "acme", organizationID: organization.id), 1, "nor counted")
            try expect(try await store.invitation(tenantID: "acme", ticketDigest: older.ticketDigest)?.revokedAt != nil,
                       "its ticket still says so")
            try await expectStoreError(.invalidInput, "an invitation to an unknown organization") {
                var stray = invitation(to: organization)
                stray.organizationID = "org_missing"
                try await store.createInvitation(stray, events: [])
            }
            try await store.deleteOrganization(tenantID: "acme", id: organization.id)
            try expectEqual(try await store.invitation(tenantID: "acme", ticketDigest: newer.ticketDigest), nil,
                            "gone with the organization")
        },

        Case("invitations: accepting adds the member, its roles and metadata once; refusals change nothing") { store in
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            var bob = ConformanceFixtures.user(email: "bob@example.com")
            bob.appMetadataJSON = #"{"plan":"free","seats":1}"#
            try await store.create(bob)
            let offer = invitation(to: organization, roles: ["admin"], app: #"{"plan":"gold"}"#, user: #"{"lang":"de"}"#)
            try await store.createInvitation(offer, events: [])
            let now = ConformanceFixtures.date(plusSeconds: 60)
            let accepted = try await store.acceptInvitation(tenantID: "acme", ticketDigest: offer.ticketDigest, userID: bob.id,
                                                            at: now, events: [])
            try expectEqual(accepted.acceptedBy, bob.id, "accepted by bob")
            try expectEqual(try await store.invitations(tenantID: "acme", organizationID: organization.id, offset: 0, limit: 10),
                            [], "no longer pending")
            try expectEqual(try await store.invitation(tenantID: "acme", organizationID: organization.id, id: offer.id), nil,
                            "nor read by id")
            try expect(!(try await store.revokeInvitation(tenantID: "acme", organizationID: organization.id, id: offer.id,
                                                          at: now, events: [])), "nor revoked")
            try expectEqual(try await store.invitation(tenantID: "acme", ticketDigest: offer.ticketDigest)?.acceptedAt, now,
                            "its ticket says it was used")
            try expect(try await store.isMember(tenantID: "acme", organizationID: organization.id, userID: bob.id), "a member")
            let roles = try await store.roleAssignments(tenantID: "acme", userID: bob.id)
            try expectEqual(roles.map(\.role), ["admin"], "the role")
            try expectEqual(roles.first?.organizationID, organization.id, "held in the organization")
            let stored = try await store.user(tenantID: "acme", id: bob.id)
            try expectEqual(stored?.appMetadataJSON, #"{"plan":"gold","seats":1}"#, "app_metadata merged")
            try expectEqual(stored?.userMetadataJSON, #"{"lang":"de"}"#, "user_metadata merged")
            try expectEqual(try await refusal {
                _ = try await store.acceptInvitation(tenantID: "acme", ticketDigest: offer.ticketDigest, userID: bob.id,
                                                     at: now, events: [])
            }, .used, "a second acceptance")

            let carol = try await ConformanceFixtures.createdUser(in: store, email: "carol@example.com")
            let late = invitation(to: organization, roles: ["viewer"], expiresIn: 10)
            let revoked = invitation(to: organization, roles: ["viewer"])
            for created in [late, revoked] { try await store.createInvitation(created, events: []) }
            _ = try await store.revokeInvitation(tenantID: "acme", organizationID: organization.id, id: revoked.id, at: now,
                                                 events: [])
            for (digest, expected) in [(late.ticketDigest, InvitationRefusal.expired), (revoked.ticketDigest, .revoked),
                                       (ConformanceFixtures.digest(), .unknown)] {
                try expectEqual(try await refusal {
                    _ = try await store.acceptInvitation(tenantID: "acme", ticketDigest: digest, userID: carol.id, at: now,
                                                         events: [])
                }, expected, "\(expected)")
            }
            try expectEqual(try await refusal {
                _ = try await store.acceptInvitation(tenantID: "globex", ticketDigest: late.ticketDigest, userID: carol.id,
                                                     at: ConformanceFixtures.baseDate, events: [])
            }, .unknown, "another tenant's ticket")
            try expect(!(try await store.isMember(tenantID: "acme", organizationID: organization.id, userID: carol.id)),
                       "carol is no member")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: carol.id), [], "nor holds a role")
        },
    ]
}
