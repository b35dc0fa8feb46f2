import Foundation
import PortcullisStore

extension StoreConformance {
    static let organizationDetailCases: [Case] = [
        Case("organizations: branding and metadata are stored, updated and renamed; a taken name is a conflict") { store in
            let branded = Organization(
                tenantID: "acme", name: "acme-corp", displayName: "Acme", metadataJSON: #"{"tier":"gold"}"#,
                branding: OrganizationBranding(logoURL: "https://acme.example/logo.png", primaryColor: "#0059d6"),
                createdAt: ConformanceFixtures.baseDate)
            try await store.createOrganization(branded)
            try expectEqual(try await store.organization(tenantID: "acme", id: branded.id), branded, "stored with its branding")
            let other = try await ConformanceFixtures.createdOrganization(in: store, name: "beta")
            var changed = branded
            changed.name = "acme-inc"
            changed.displayName = nil
            changed.metadataJSON = "{}"
            changed.branding = OrganizationBranding(pageBackground: "#ffffff")
            try expect(try await store.updateOrganization(changed, events: []), "the update finds it")
            try expectEqual(try await store.organization(tenantID: "acme", name: "acme-inc"), changed, "found by its new name")
            try expectEqual(try await store.organization(tenantID: "acme", name: "acme-corp"), nil, "the old name is free")
            var clash = changed
            clash.name = other.name
            try await expectStoreError(.conflict, "renaming onto another organization's name") {
                _ = try await store.updateOrganization(clash, events: [])
            }
            var elsewhere = changed
            elsewhere.tenantID = "globex"
            try expect(!(try await store.updateOrganization(elsewhere, events: [])), "updating it through another tenant")
            var invalid = changed
            invalid.name = "Not Valid"
            try await expectStoreError(.invalidInput, "an invalid new name") {
                _ = try await store.updateOrganization(invalid, events: [])
            }
            try expectEqual(try await store.organization(tenantID: "acme", id: branded.id), changed, "unchanged by refused updates")
        },

        Case("organizations: paged by name, from a checkpoint by id, and counted per tenant") { store in
            var created: [Organization] = []
            for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
                created.append(try await ConformanceFixtures.createdOrganization(in: store, name: name))
            }
            _ = try await ConformanceFixtures.createdOrganization(in: store, tenant: "globex", name: "alpha")
            let byName = try await store.organizations(tenantID: "acme", offset: 1, limit: 2).map(\.name)
            try expectEqual(byName, ["bravo", "charlie"], "the second page of two by name")
            let ids = created.map(\.id).sorted()
            let first = try await store.organizations(tenantID: "acme", afterID: nil, limit: 3).map(\.id)
            try expectEqual(first, Array(ids.prefix(3)), "the first three by id")
            let rest = try await store.organizations(tenantID: "acme", afterID: first.last, limit: 3).map(\.id)
            try expectEqual(rest, Array(ids.suffix(2)), "the rest after the checkpoint")
            try expectEqual(try await store.organizationCount(tenantID: "acme"), 5, "acme's count")
            try expectEqual(try await store.organizationCount(tenantID: "initech"), 0, "an empty tenant's count")
            try await expectStoreError(.invalidInput, "a page of 101") {
                _ = try await store.organizations(tenantID: "acme", offset: 0, limit: 101)
            }
        },

        Case("organizations: member users are paged by user id and counted; deleting a user ends the membership") { store in
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            var users: [User] = []
            for email in ["a@example.com", "b@example.com", "c@example.com"] {
                let user = try await ConformanceFixtures.createdUser(in: store, email: email)
                try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: user.id,
                                          at: ConformanceFixtures.baseDate)
                users.append(user)
            }
            _ = try await ConformanceFixtures.createdUser(in: store, email: "outsider@example.com")
            let ids = users.map(\.id).sorted()
            let page = try await store.memberUsers(tenantID: "acme", organizationID: organization.id, after: nil,
                                                   offset: 1, limit: 1)
            try expectEqual(page.map(\.id), [ids[1]], "the second member by id")
            let after = try await store.memberUsers(tenantID: "acme", organizationID: organization.id, after: ids[0],
                                                    offset: 0, limit: 10)
            try expectEqual(after.map(\.id), Array(ids.dropFirst()), "the members after the first")
            try expectEqual(try await store.memberCount(tenantID: "acme", organizationID: organization.id), 3, "members counted")
            try expectEqual(try await store.memberUsers(tenantID: "globex", organizationID: organization.id, after: nil,
                                                        offset: 0, limit: 10), [], "through another tenant")
            try await store.delete(tenantID: "acme", id: ids[0])
            try expectEqual(try await store.memberCount(tenantID: "acme", organizationID: organization.id), 2,
                            "a deleted user is no member")
        },

        Case("organizations: connections are enabled once, updated, disabled, and go with the organization") { store in
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            func connection(_ name: String, assign: Bool = false) -> OrganizationConnection {
                OrganizationConnection(tenantID: "acme", organizationID: organization.id, connection: name,
                                       assignMembershipOnLogin: assign, createdAt: ConformanceFixtures.baseDate)
            }
            try expect(try await store.enableConnection(connection("users"), events: []), "users enabled")
            try expect(try await store.enableConnection(connection("partners", assign: true), events: []), "partners enabled")
            try expect(!(try await store.enableConnection(connection("users", assign: true), events: [])), "users again")
            try expectEqual(try await store.enabledConnections(tenantID: "acme", organizationID: organization.id),
                            [connection("partners", assign: true), connection("users")], "listed by name, the first kept")
            var changed = connection("users", assign: true)
            changed.isSignupEnabled = true
            changed.showAsButton = false
            try expect(try await store.updateEnabledConnection(changed, events: []), "users updated")
            try expect(!(try await store.updateEnabledConnection(connection("unknown"), events: [])), "an unknown one")
            try expectEqual(try await store.enabledConnections(tenantID: "acme", organizationID: organization.id).last, changed,
                            "the update kept")
            try expect(try await store.disableConnection(tenantID: "acme", organizationID: organization.id,
                                                         connection: "partners", events: []), "partners disabled")
            try expect(!(try await store.disableConnection(tenantID: "acme", organizationID: organization.id,
                                                           connection: "partners", events: [])), "partners again")
            try await expectStoreError(.invalidInput, "enabling for an unknown organization") {
                var stray = connection("users")
                stray.organizationID = "org_missing"
                _ = try await store.enableConnection(stray, events: [])
            }
            try await store.deleteOrganization(tenantID: "acme", id: organization.id)
            try expectEqual(try await store.enabledConnections(tenantID: "acme", organizationID: organization.id), [],
                            "gone with the organization")
        },

        Case("organizations: created with their enabled connections in one transaction") { store in
            let organization = Organization(tenantID: "acme", name: "acme-corp", createdAt: ConformanceFixtures.baseDate)
            let users = OrganizationConnection(tenantID: "acme", organizationID: organization.id, connection: "users",
                                               createdAt: ConformanceFixtures.baseDate)
            try await store.createOrganization(organization, connections: [users], events: [])
            try expectEqual(try await store.enabledConnections(tenantID: "acme", organizationID: organization.id), [users],
                            "the connection enabled with it")
            let clash = Organization(tenantID: "acme", name: "acme-corp", createdAt: ConformanceFixtures.baseDate)
            try await expectStoreError(.conflict, "a taken name") {
                try await store.createOrganization(clash, connections: [
                    OrganizationConnection(tenantID: "acme", organizationID: clash.id, connection: "users",
                                           createdAt: ConformanceFixtures.baseDate),
                ], events: [])
            }
            try expectEqual(try await store.enabledConnections(tenantID: "acme", organizationID: clash.id), [],
                            "nothing of the refused organization")
        },
    ]
}
