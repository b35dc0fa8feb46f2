import Foundation
import PortcullisStore

extension StoreConformance {
    static let organizationCases: [Case] = [
        Case("organizations: found by id and by name in any case, listed by name, per tenant") { store in
            let zeta = Organization(tenantID: "acme", name: "zeta", createdAt: ConformanceFixtures.baseDate)
            let acme = Organization(tenantID: "acme", name: "acme-corp", displayName: "Acme Corp 🦀",
                                    metadataJSON: #"{"tier":"gold"}"#, createdAt: ConformanceFixtures.date(plusSeconds: 1))
            let globex = Organization(tenantID: "globex", name: "acme-corp", createdAt: ConformanceFixtures.baseDate)
            for organization in [zeta, acme, globex] {
                try await store.createOrganization(organization)
            }
            try expectEqual(try await store.organization(tenantID: "acme", id: acme.id), acme, "acme-corp by id")
            try expectEqual(try await store.organization(tenantID: "acme", name: "ACME-Corp"), acme, "acme-corp by name")
            try expectEqual(try await store.organization(tenantID: "globex", name: "acme-corp"), globex,
                            "globex's organization of the same name")
            try expectEqual(try await store.organization(tenantID: "globex", id: acme.id), nil, "acme's id in globex")
            try expectEqual(try await store.organization(tenantID: "acme", name: "initech"), nil, "an unknown name")
            try expectEqual(try await store.organizations(tenantID: "acme"), [acme, zeta], "acme's organizations")
            try expectEqual(try await store.organizations(tenantID: "initech"), [], "a tenant without organizations")
        },

        Case("organizations: names are valid and unique per tenant whatever their case") { store in
            for bad in ["", "Acme", "acme corp", "acme.corp", "zoë", String(repeating: "a", count: 51)] {
                try await expectStoreError(.invalidInput, "organization name \(bad.debugDescription)") {
                    try await store.createOrganization(
                        Organization(tenantID: "acme", name: bad, createdAt: ConformanceFixtures.baseDate))
                }
            }
            try await expectStoreError(.invalidInput, "metadata that is not a JSON object") {
                try await store.createOrganization(Organization(
                    tenantID: "acme", name: "listy", metadataJSON: "[1]", createdAt: ConformanceFixtures.baseDate))
            }
            let first = try await ConformanceFixtures.createdOrganization(in: store, name: "acme-corp")
            try await expectStoreError(.conflict, "a second organization with the same name") {
                try await store.createOrganization(
                    Organization(tenantID: "acme", name: "acme-corp", createdAt: ConformanceFixtures.baseDate))
            }
            try await expectStoreError(.conflict, "a second organization with the same id") {
                try await store.createOrganization(
                    Organization(id: first.id, tenantID: "acme", name: "other", createdAt: ConformanceFixtures.baseDate))
            }
            let longest = Organization(tenantID: "acme", name: String(repeating: "a", count: 50),
                                       createdAt: ConformanceFixtures.baseDate)
            try await store.createOrganization(longest)
            try expectEqual(try await store.organization(tenantID: "acme", name: String(repeating: "A", count: 50)),
                            longest, "the 50-character name looked up in capitals")
            try expectEqual(try await store.organizations(tenantID: "acme").count, 2, "organizations stored")
        },

        Case("organizations: members are added once, listed in joining order, and removed") { store in
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            let other = try await ConformanceFixtures.createdOrganization(in: store, name: "beta")
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let bob = try await ConformanceFixtures.createdUser(in: store, email: "bob@example.com")
            let id = organization.id
            try expect(try await store.addMember(tenantID: "acme", organizationID: id, userID: bob.id,
                                                 at: ConformanceFixtures.date(plusSeconds: 1)), "bob joins")
            try expect(try await store.addMember(tenantID: "acme", organizationID: id, userID: ann.id,
                                                 at: ConformanceFixtures.date(plusSeconds: 2)), "ann joins")
            try expect(!(try await store.addMember(tenantID: "acme", organizationID: id, userID: bob.id,
                                                   at: ConformanceFixtures.date(plusSeconds: 3))), "bob joins again")
            try expect(try await store.addMember(tenantID: "acme", organizationID: other.id, userID: ann.id,
                                                 at: ConformanceFixtures.date(plusSeconds: 4)), "ann joins beta")
            try expectEqual(try await store.members(tenantID: "acme", organizationID: id), [
                OrganizationMembership(tenantID: "acme", organizationID: id, userID: bob.id,
                                       createdAt: ConformanceFixtures.date(plusSeconds: 1)),
                OrganizationMembership(tenantID: "acme", organizationID: id, userID: ann.id,
                                       createdAt: ConformanceFixtures.date(plusSeconds: 2)),
            ], "members, first joined first, bob's first joining kept")
            try expect(try await store.isMember(tenantID: "acme", organizationID: id, userID: ann.id), "ann is a member")
            try expect(!(try await store.isMember(tenantID: "globex", organizationID: id, userID: ann.id)),
                       "ann is a member, asked in globex")
            try expectEqual(try await store.organizations(tenantID: "acme", userID: ann.id), [organization, other],
                            "ann's organizations, by name")

            try expect(try await store.removeMember(tenantID: "acme", organizationID: id, userID: bob.id), "bob leaves")
            try expect(!(try await store.removeMember(tenantID: "acme", organizationID: id, userID: bob.id)),
                       "bob leaves again")
            try expect(!(try await store.isMember(tenantID: "acme", organizationID: id, userID: bob.id)),
                       "bob is a member after leaving")
            try expectEqual(try await store.organizations(tenantID: "acme", userID: bob.id), [], "bob's organizations")
        },

        Case("organizations: members must exist in the organization's tenant") { store in
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let gina = try await ConformanceFixtures.createdUser(in: store, tenant: "globex", email: "gina@example.com")
            let now = ConformanceFixtures.baseDate
            try await expectStoreError(.invalidInput, "a user that does not exist") {
                try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: User.makeID(), at: now)
            }
            try await expectStoreError(.invalidInput, "an organization that does not exist") {
                try await store.addMember(tenantID: "acme", organizationID: Organization.makeID(), userID: ann.id, at: now)
            }
            try await expectStoreError(.invalidInput, "globex's user in acme's organization") {
                try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: gina.id, at: now)
            }
            try await expectStoreError(.invalidInput, "acme's organization used from globex") {
                try await store.addMember(tenantID: "globex", organizationID: organization.id, userID: gina.id, at: now)
            }
            try expectEqual(try await store.members(tenantID: "acme", organizationID: organization.id), [],
                            "members after the refused additions")
        },

        Case("organizations: deleting one removes its memberships and its role assignments only") { store in
            let doomed = try await ConformanceFixtures.createdOrganization(in: store, name: "doomed")
            let kept = try await ConformanceFixtures.createdOrganization(in: store, name: "kept")
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let now = ConformanceFixtures.baseDate
            for organization in [doomed, kept] {
                try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: ann.id, at: now)
                try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin",
                                           organizationID: organization.id, at: now)
            }
            try await store.assignRole(tenantID: "acme", userID: ann.id, role: "viewer", organizationID: nil, at: now)

            try expect(!(try await store.deleteOrganization(tenantID: "globex", id: doomed.id)), "deleting it from globex")
            try expect(try await store.deleteOrganization(tenantID: "acme", id: doomed.id), "the first delete")
            try expect(!(try await store.deleteOrganization(tenantID: "acme", id: doomed.id)), "a second delete")
            try expectEqual(try await store.organization(tenantID: "acme", id: doomed.id), nil, "the deleted organization")
            try expectEqual(try await store.organizations(tenantID: "acme", userID: ann.id), [kept], "ann's organizations")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id), [
                RoleAssignment(tenantID: "acme", userID: ann.id, role: "admin", organizationID: kept.id, createdAt: now),
                RoleAssignment(tenantID: "acme", userID: ann.id, role: "viewer", createdAt: now),
            ], "ann's role assignments")

            // An organization re-created under the old name starts empty.
            let reborn = try await ConformanceFixtures.createdOrganization(in: store, name: "doomed")
            try expectEqual(try await store.members(tenantID: "acme", organizationID: reborn.id), [],
                            "members of the re-created organization")
        },

        Case("organizations: removing a member or deleting a user removes their roles in it") { store in
            let first = try await ConformanceFixtures.createdOrganization(in: store, name: "first")
            let second = try await ConformanceFixtures.createdOrganization(in: store, name: "second")
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let bob = try await ConformanceFixtures.createdUser(in: store, email: "bob@example.com")
            let now = ConformanceFixtures.baseDate
            for user in [ann, bob] {
                for organization in [first, second] {
                    try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: user.id, at: now)
                    try await store.assignRole(tenantID: "acme", userID: user.id, role: "admin",
                                               organizationID: organization.id, at: now)
                }
            }
            try await store.removeMember(tenantID: "acme", organizationID: first.id, userID: ann.id)
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id).map(\.organizationID),
                            [second.id], "organizations of ann's roles after leaving the first")
            // Joining again does not bring the old roles back.
            try await store.addMember(tenantID: "acme", organizationID: first.id, userID: ann.id, at: now)
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: ann.id, organizationID: first.id), [],
                            "ann's roles in the first after joining again")

            try await store.delete(tenantID: "acme", id: bob.id)
            try expectEqual(try await store.members(tenantID: "acme", organizationID: second.id).map(\.userID), [ann.id],
                            "members of the second after bob was deleted")
            try await store.create(bob)
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: bob.id), [],
                            "roles of bob, deleted and re-created")
            try expectEqual(try await store.organizations(tenantID: "acme", userID: bob.id), [],
                            "organizations of bob, deleted and re-created")
        },
    ]
}
