import PortcullisStore

extension StoreConformance {
    static let signingKeyCases: [Case] = [
        Case("signing keys: a generated key round-trips") { store in
            let none = try await store.generatedKeys(tenantID: "acme")
            try expect(none.isEmpty, "a fresh store has no keys, got \(none.count)")

            let key = ConformanceFixtures.signingKey(tenant: "acme", kid: "k1")
            let stored = try await store.insertGeneratedKeyIfAbsent(key)
            try expectSameKey(stored, key, "insert returns the inserted key")
            let keys = try await store.generatedKeys(tenantID: "acme")
            try expectEqual(keys.count, 1, "number of keys")
            try expectSameKey(keys[0], key, "the listed key")
        },

        Case("signing keys: insertIfAbsent keeps the first key") { store in
            let first = ConformanceFixtures.signingKey(tenant: "acme", kid: "first")
            let second = ConformanceFixtures.signingKey(
                tenant: "acme", kid: "second", createdAt: ConformanceFixtures.date(plusMilliseconds: 1))
            _ = try await store.insertGeneratedKeyIfAbsent(first)
            let result = try await store.insertGeneratedKeyIfAbsent(second)
            try expectSameKey(result, first, "second insert for the same algorithm returns the first key")
            let keys = try await store.generatedKeys(tenantID: "acme")
            try expectEqual(keys.map(\.kid), ["first"], "kids stored")
        },

        Case("signing keys: one key per algorithm, listed oldest first") { store in
            let newer = ConformanceFixtures.signingKey(
                tenant: "acme", kid: "ec", algorithm: "ES256", createdAt: ConformanceFixtures.date(plusMilliseconds: 5))
            let older = ConformanceFixtures.signingKey(
                tenant: "acme", kid: "rsa", algorithm: "RS256", createdAt: ConformanceFixtures.date(plusMilliseconds: 1))
            _ = try await store.insertGeneratedKeyIfAbsent(newer)
            let stored = try await store.insertGeneratedKeyIfAbsent(older)
            try expectSameKey(stored, older, "a key for another algorithm is inserted")
            let keys = try await store.generatedKeys(tenantID: "acme")
            try expectEqual(keys.map(\.kid), ["rsa", "ec"], "kids, oldest first")
        },

        Case("signing keys: 20 concurrent inserters end up with one key") { store in
            let candidates = (0..<20).map { ConformanceFixtures.signingKey(tenant: "acme", kid: "racer-\($0)") }
            let results = try await withThrowingTaskGroup(of: StoredSigningKey.self) { group in
                for candidate in candidates {
                    group.addTask { try await store.insertGeneratedKeyIfAbsent(candidate) }
                }
                return try await group.reduce(into: [StoredSigningKey]()) { $0.append($1) }
            }
            let winners = Set(results.map(\.kid))
            try expectEqual(winners.count, 1, "distinct keys returned to the inserters (\(winners.sorted()))")
            let keys = try await store.generatedKeys(tenantID: "acme")
            try expectEqual(keys.map(\.kid), Array(winners), "kids stored")
            try expect(candidates.contains { $0.kid == keys[0].kid }, "the stored key is one of the candidates")
        },

        Case("signing keys: keys are isolated per tenant") { store in
            let acme = ConformanceFixtures.signingKey(tenant: "acme", kid: "same-kid")
            let globex = ConformanceFixtures.signingKey(tenant: "globex", kid: "same-kid")
            try expectSameKey(try await store.insertGeneratedKeyIfAbsent(acme), acme, "acme's insert")
            // Same algorithm and even the same kid: a different tenant still gets its own key.
            try expectSameKey(try await store.insertGeneratedKeyIfAbsent(globex), globex, "globex's insert")
            let acmeKeys = try await store.generatedKeys(tenantID: "acme")
            let globexKeys = try await store.generatedKeys(tenantID: "globex")
            try expectEqual(acmeKeys.count, 1, "acme's key count")
            try expectEqual(globexKeys.count, 1, "globex's key count")
            try expectSameKey(acmeKeys[0], acme, "acme's key")
            try expectSameKey(globexKeys[0], globex, "globex's key")
            let other = try await store.generatedKeys(tenantID: "initech")
            try expect(other.isEmpty, "a tenant without keys sees none, got \(other.count)")
        },

        Case("signing keys: a kid reused for another algorithm is a conflict") { store in
            _ = try await store.insertGeneratedKeyIfAbsent(
                ConformanceFixtures.signingKey(tenant: "acme", kid: "k1", algorithm: "ES256"))
            do {
                let result = try await store.insertGeneratedKeyIfAbsent(
                    ConformanceFixtures.signingKey(tenant: "acme", kid: "k1", algorithm: "RS256"))
                try expect(false, "expected StoreError.conflict, got key \(result.kid)/\(result.algorithm)")
            } catch let error as StoreError {
                guard case .conflict = error else {
                    try expect(false, "expected StoreError.conflict, got \(error)")
                    return
                }
            }
        },
    ]
}
