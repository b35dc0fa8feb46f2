import Foundation
import PortcullisStore

extension StoreConformance {
    static let credentialCases: [Case] = [
        Case("credentials: a password hash is set, replaced, read and deleted") { store in
            let user = try await ConformanceFixtures.createdUser(in: store)
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id), nil, "password before set")
            // An imported bcrypt hash, kept verbatim until the first login upgrades it.
            let imported = PasswordCredential(
                tenantID: "acme", userID: user.id,
                hash: "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
                updatedAt: ConformanceFixtures.baseDate)
            try await store.setPassword(imported)
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id), imported, "imported hash")
            let upgraded = PasswordCredential(
                tenantID: "acme", userID: user.id,
                hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
                updatedAt: ConformanceFixtures.date(plusSeconds: 10))
            try await store.setPassword(upgraded)
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id), upgraded, "upgraded hash")
            try expect(try await store.deletePassword(tenantID: "acme", userID: user.id), "the first delete deletes")
            try expect(!(try await store.deletePassword(tenantID: "acme", userID: user.id)), "a second delete finds nothing")
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id), nil, "password after delete")
        },

        Case("credentials: passwords belong to a user of the same tenant") { store in
            let user = try await ConformanceFixtures.createdUser(in: store, tenant: "acme")
            let credential = PasswordCredential(
                tenantID: "acme", userID: user.id, hash: "$argon2id$acme", updatedAt: ConformanceFixtures.baseDate)
            try await store.setPassword(credential)
            try await expectStoreError(.invalidInput, "a password for acme's user set as globex") {
                try await store.setPassword(PasswordCredential(
                    tenantID: "globex", userID: user.id, hash: "$argon2id$globex", updatedAt: ConformanceFixtures.baseDate))
            }
            try await expectStoreError(.invalidInput, "a password for a user that does not exist") {
                try await store.setPassword(PasswordCredential(
                    tenantID: "acme", userID: User.makeID(), hash: "$argon2id$x", updatedAt: ConformanceFixtures.baseDate))
            }
            try expectEqual(try await store.password(tenantID: "globex", userID: user.id), nil, "read as globex")
            try expect(!(try await store.deletePassword(tenantID: "globex", userID: user.id)), "delete as globex")
            try expectEqual(try await store.password(tenantID: "acme", userID: user.id), credential, "acme's password")
        },
    ]
}
