import Foundation
import PortcullisStore

extension StoreConformance {
    static let runtimeRoleCases: [Case] = [
        Case("runtime roles: created once per name, read by id and name, listed by name, per tenant") { store in
            let now = ConformanceFixtures.baseDate
            let editor = RuntimeRole(tenantID: "acme", name: "editor", description: "Edits", createdAt: now)
            try await store.createRole(editor, events: [])
            try await store.createRole(RuntimeRole(tenantID: "acme", name: "auditor", createdAt: now), events: [])
            try await store.createRole(RuntimeRole(tenantID: "globex", name: "editor", createdAt: now), events: [])
            try await expectStoreError(.conflict, "a second editor in acme") {
                try await store.createRole(RuntimeRole(tenantID: "acme", name: "editor", createdAt: now), events: [])
            }
            try await expectStoreError(.invalidInput, "a name with surrounding spaces") {
                try await store.createRole(RuntimeRole(tenantID: "acme", name: " padded", createdAt: now), events: [])
            }
            try await expectStoreError(.invalidInput, "a description over 140 characters") {
                try await store.createRole(RuntimeRole(tenantID: "acme", name: "long", description: String(repeating: "d", count: 141),
                                                       createdAt: now), events: [])
            }
            try expectEqual(try await store.role(tenantID: "acme", id: editor.id), editor, "by id")
            try expectEqual(try await store.role(tenantID: "acme", name: "editor"), editor, "by name")
            try expect(try await store.role(tenantID: "globex", id: editor.id) == nil, "not seen from globex")
            try expectEqual(try await store.roles(tenantID: "acme").map(\.name), ["auditor", "editor"], "listed by name")
        },

        Case("runtime roles: permissions added once, read for several roles at once, removed") { store in
            let now = ConformanceFixtures.baseDate
            let editor = RuntimeRole(tenantID: "acme", name: "editor", createdAt: now)
            let viewer = RuntimeRole(tenantID: "acme", name: "viewer", createdAt: now)
            try await store.createRole(editor, events: [])
            try await store.createRole(viewer, events: [])
            let write = RolePermission(resourceServer: "https://api", permission: "write:docs")
            let read = RolePermission(resourceServer: "https://api", permission: "read:docs")
            try expectEqual(try await store.addPermissions([write, read], toRole: editor.id, tenantID: "acme", at: now, events: []), 2,
                            "two new")
            try expectEqual(try await store.addPermissions([read], toRole: editor.id, tenantID: "acme", at: now, events: []), 0,
                            "again: nothing new")
            try await store.addPermissions([read], toRole: viewer.id, tenantID: "acme", at: now, events: [])
            try await expectStoreError(.invalidInput, "a role of another tenant") {
                try await store.addPermissions([read], toRole: editor.id, tenantID: "globex", at: now, events: [])
            }
            try expectEqual(try await store.permissions(ofRoles: ["editor", "viewer", "configured-only"], tenantID: "acme"),
                            [read, write], "unique, ordered, unknown names ignored")
            try expectEqual(try await store.permissions(ofRoles: ["editor"], tenantID: "globex"), [], "from globex")
            try expectEqual(try await store.removePermissions([write, write], fromRole: editor.id, tenantID: "acme", events: []), 1,
                            "removed once")
            try expectEqual(try await store.permissions(ofRoles: ["editor"], tenantID: "acme"), [read], "what is left")
        },

        Case("runtime roles: renaming moves assignments; deleting removes them and the permissions, with its event") { store in
            let now = ConformanceFixtures.baseDate
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let bob = try await ConformanceFixtures.createdUser(in: store, email: "bob@example.com")
            let organization = try await ConformanceFixtures.createdOrganization(in: store)
            try await store.addMember(tenantID: "acme", organizationID: organization.id, userID: bob.id, at: now)
            var role = RuntimeRole(tenantID: "acme", name: "editor", createdAt: now)
            try await store.createRole(role, events: [])
            try await store.addPermissions([RolePermission(resourceServer: "https://api", permission: "write:docs")],
                                           toRole: role.id, tenantID: "acme", at: now, events: [])
            try await store.assignRole(tenantID: "acme", userID: ann.id, role: "editor", organizationID: nil, at: now)
            try await store.assignRole(tenantID: "acme", userID: bob.id, role: "editor", organizationID: organization.id, at: now)
            let holders = try await store.holders(ofRole: "editor", tenantID: "acme", after: nil, offset: 0, limit: 10).map(\.id)
            try expectEqual(holders, [ann.id, bob.id].sorted(), "holders, tenant-wide and in an organization, by id")
            try expectEqual(try await store.holders(ofRole: "editor", tenantID: "acme", after: holders[0], offset: 0, limit: 10).map(\.id),
                            [holders[1]], "after a checkpoint")
            try expectEqual(try await store.holders(ofRole: "editor", tenantID: "acme", after: nil, offset: 1, limit: 10).map(\.id),
                            [holders[1]], "from an offset")
            try expectEqual(try await store.holderCount(ofRole: "editor", tenantID: "acme"), 2, "counted")

            role.name = "writer"
            role.updatedAt = ConformanceFixtures.date(plusSeconds: 1)
            try expect(try await store.updateRole(role, events: []), "renamed")
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: ann.id, organizationID: nil), ["writer"],
                            "ann's assignment follows the name")
            try expectEqual(try await store.effectiveRoles(tenantID: "acme", userID: bob.id, organizationID: organization.id),
                            ["writer"], "bob's too")
            try expectEqual(try await store.role(tenantID: "acme", id: role.id)?.updatedAt, role.updatedAt, "updated at")

            let event = DomainEvent(.roleDeleted, tenantID: "acme", subject: .role(role.id), at: now)
            try expect(try await store.deleteRole(tenantID: "acme", id: role.id, events: [event]), "deleted")
            try expect(!(try await store.deleteRole(tenantID: "acme", id: role.id, events: [event])), "deleted again")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: ann.id), [], "ann's assignment went")
            try expectEqual(try await store.roleAssignments(tenantID: "acme", userID: bob.id), [], "bob's too")
            try expectEqual(try await store.permissions(ofRoles: ["writer"], tenantID: "acme"), [], "its permissions went")
            try expectEqual(try await store.recent(tenantID: "acme", limit: 10).map(\.type), [DomainEventKind.roleDeleted.rawValue],
                            "one event, written once")
        },
    ]
}
