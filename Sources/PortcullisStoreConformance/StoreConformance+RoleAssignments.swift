import Foundation
import PortcullisStore

extension StoreConformance {
    static let roleAssignmentCases: [Case] = [
        Case("role assignments: tenant-wide and per organization, assigned once, listed by role") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            let now = ConformanceFixtures.baseDate
            let later = ConformanceFixtures.date(plusSeconds: 5)
            try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: ann.id, at: now)
            try expect(try await store.assignRole(tenantID: "acme", userID: ann.id, role: "viewer", organizationID: nil, at: now),
                       "viewer, tenant-wide")
            try expect(try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin",
                                                  organizationID: organization.id, at: now),
                       "admin in the organization")
            try expect(try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin", organizationID: nil, at: now),
                       "admin, tenant-wide, besides the organization's")
            try expect(!(try await store.assignRole(tenantID: "acme", userID: ann.id, role: "viewer", organizationID: nil,
                                                    at: later)),
                       "viewer, tenant-wide, again")
            try expect(!(try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin",
                                                    organizationID: organization.id, at: later)),
                       "admin in the organization, again")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id), [
                RoleAssignment(tenantID: "acme", userID: ann.id, role: "admin", createdAt: now),
                RoleAssignment(tenantID: "acme", userID: ann.id, role: "admin", organizationID: organization.id, createdAt: now),
                RoleAssignment(tenantID: "acme", userID: ann.id, role: "viewer", createdAt: now),
            ], "ann's assignments, first assignment times kept")
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: ann.id, organizationID: nil),
                            ["admin", "viewer"], "ann's roles outside organizations")
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: ann.id, organizationID: organization.id),
                            ["admin", "viewer"], "ann's roles in the organization")
            try expectEqual(try await store.roleAssignments(tenantID: "globex", userID: ann.id), [],
                            "ann's assignments seen from globex")
        },

        Case("role assignments: unassigning removes the tenant-wide or the organization's one only") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            let now = ConformanceFixtures.baseDate
            try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: ann.id, at: now)
            try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin", organizationID: nil, at: now)
            try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin", organizationID: organization.id, at: now)
            try expect(!(try await store.unassignRole(tenantID: "globex", userID: ann.id, role: "admin", organizationID: nil)),
                       "unassigning from globex")
            try expect(!(try await store.unassignRole(tenantID: "acme", userID: ann.id, role: "viewer", organizationID: nil)),
                       "unassigning a role ann does not hold")
            try expect(try await store.unassignRole(tenantID: "acme", userID: ann.id, role: "admin", organizationID: nil),
                       "unassigning the tenant-wide admin")
            try expect(!(try await store.unassignRole(tenantID: "acme", userID: ann.id, role: "admin", organizationID: nil)),
                       "unassigning the tenant-wide admin again")
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: ann.id, organizationID: nil), [],
                            "ann's roles outside the organization")
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: ann.id, organizationID: organization.id),
                            ["admin"], "ann's roles in the organization")
            try expect(try await store.unassignRole(tenantID: "acme", userID: ann.id, role: "admin",
                                                    organizationID: organization.id),
                       "unassigning the organization's admin")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id), [], "ann's assignments")
        },

        Case("role assignments: the user must exist, and be a member for an organization's role") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let gina = try await ConformanceFixtures.createdUser(in: store, tenant: "globex", email: "gina@example.com")
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            let now = ConformanceFixtures.baseDate
            try await expectStoreError(.invalidInput, "a role for a user that does not exist") {
                try await store.assignRole(tenantID: "acme", userID: User.makeID(), role: "admin", organizationID: nil, at: now)
            }
            try await expectStoreError(.invalidInput, "a role in acme for globex's user") {
                try await store.assignRole(tenantID: "acme", userID: gina.id, role: "admin", organizationID: nil, at: now)
            }
            try await expectStoreError(.invalidInput, "an empty role name") {
                try await store.assignRole(tenantID: "acme", userID: ann.id, role: "", organizationID: nil, at: now)
            }
            try await expectStoreError(.invalidInput, "an organization's role for a non-member") {
                try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin",
                                           organizationID: organization.id, at: now)
            }
            try await expectStoreError(.invalidInput, "a role in an organization that does not exist") {
                try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin",
                                           organizationID: Organization.makeID(), at: now)
            }
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id), [],
                            "ann's assignments after the refused ones")
        },

        Case("role assignments: 20 concurrent assignments of one role store it once") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.assignRole(tenantID: "acme", userID: ann.id, role: "admin", organizationID: nil,
                                                   at: ConformanceFixtures.date(plusSeconds: index))
                    }
                }
                return try await group.reduce(into: 0) { count, isNew in count += isNew ? 1 : 0 }
            }
            try expectEqual(created, 1, "assignments reported new")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id).count, 1, "assignments stored")
        },
    ]
}
