import Foundation
import PortcullisStore

extension StoreConformance {
    static let userPermissionCases: [Case] = [
        Case("user permissions: granted once, listed by resource server then permission, per tenant") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let now = ConformanceFixtures.baseDate
            let later = ConformanceFixtures.date(plusSeconds: 5)
            let orders = "https://api.acme.test", billing = "https://billing.acme.test"
            try expect(try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: orders,
                                                       permission: "write:orders", at: now), "write:orders")
            try expect(try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: billing,
                                                       permission: "read:invoices", at: now), "read:invoices")
            try expect(try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: orders,
                                                       permission: "read:orders", at: now), "read:orders")
            try expect(!(try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: orders,
                                                         permission: "read:orders", at: later)), "read:orders again")
            try expectEqual(try await store.permissions(tenantID: "acme", userID: ann.id), [
                UserPermission(tenantID: "acme", userID: ann.id, resourceServer: orders, permission: "read:orders", createdAt: now),
                UserPermission(tenantID: "acme", userID: ann.id, resourceServer: orders, permission: "write:orders", createdAt: now),
                UserPermission(tenantID: "acme", userID: ann.id, resourceServer: billing, permission: "read:invoices", createdAt: now),
            ], "ann's permissions, one row each, first grant times kept")
            try expectEqual(try await store.permissions(tenantID: "globex", userID: ann.id), [],
                            "ann's permissions seen from globex")
            try expect(!(try await store.revokePermission(tenantID: "globex", userID: ann.id, resourceServer: orders,
                                                          permission: "read:orders")), "revoking from globex")
        },

        Case("user permissions: revoking removes that grant only") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let orders = "https://api.acme.test"
            try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: orders, permission: "read:orders",
                                            at: ConformanceFixtures.baseDate)
            try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: orders, permission: "write:orders",
                                            at: ConformanceFixtures.baseDate)
            try expect(try await store.revokePermission(tenantID: "acme", userID: ann.id, resourceServer: orders,
                                                        permission: "read:orders"), "revoking read:orders")
            try expect(!(try await store.revokePermission(tenantID: "acme", userID: ann.id, resourceServer: orders,
                                                          permission: "read:orders")), "revoking read:orders again")
            try expect(!(try await store.revokePermission(tenantID: "acme", userID: ann.id, resourceServer: "https://other.test",
                                                          permission: "write:orders")), "revoking on another resource server")
            try expectEqual(try await store.permissions(tenantID: "acme", userID: ann.id).map(\.permission), ["write:orders"],
                            "ann's permissions after the revocation")
        },

        Case("user permissions: the user must exist in the tenant; names must not be empty") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let gina = try await ConformanceFixtures.createdUser(in: store, tenant: "globex", email: "gina@example.com")
            let now = ConformanceFixtures.baseDate
            try await expectStoreError(.invalidInput, "a permission for a user that does not exist") {
                try await store.grantPermission(tenantID: "acme", userID: User.makeID(), resourceServer: "https://api.acme.test",
                                                permission: "read:orders", at: now)
            }
            try await expectStoreError(.invalidInput, "a permission in acme for globex's user") {
                try await store.grantPermission(tenantID: "acme", userID: gina.id, resourceServer: "https://api.acme.test",
                                                permission: "read:orders", at: now)
            }
            try await expectStoreError(.invalidInput, "an empty permission") {
                try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: "https://api.acme.test",
                                                permission: "", at: now)
            }
            try await expectStoreError(.invalidInput, "an empty resource server") {
                try await store.grantPermission(tenantID: "acme", userID: ann.id, resourceServer: "",
                                                permission: "read:orders", at: now)
            }
            try expectEqual(try await store.permissions(tenantID: "acme", userID: ann.id), [],
                            "ann's permissions after the refused ones")
        },

        Case("user permissions: deleting the user deletes their grants") { store in
            let ann = try await ConformanceFixtures.createdUser(in: store)
            let bob = try await ConformanceFixtures.createdUser(in: store, email: "bob@example.com")
            for user in [ann, bob] {
                try await store.grantPermission(tenantID: "acme", userID: user.id, resourceServer: "https://api.acme.test",
                                                permission: "read:orders", at: ConformanceFixtures.baseDate)
            }
            try await store.delete(tenantID: "acme", id: ann.id)
            try await store.create(ann)
            try expectEqual(try await store.permissions(tenantID: "acme", userID: ann.id), [],
                            "permissions of ann, deleted and re-created")
            try expectEqual(try await store.permissions(tenantID: "acme", userID: bob.id).count, 1, "bob's permissions")
        },
    ]
}
