import Foundation
import PortcullisStore

extension StoreConformance {
    static let singleUseMarkerCases: [Case] = [
        Case("single-use markers: the first record wins, later ones see it, other tenants and purposes are apart") { store in
            let digest = ConformanceFixtures.digest()
            let now = ConformanceFixtures.baseDate
            let expires = ConformanceFixtures.date(plusSeconds: 600)
            try expectEqual(try await store.recordSingleUse(tenantID: "acme", purpose: "saml_request", digest: digest,
                                                            expiresAt: expires, now: now), true, "the first record")
            try expectEqual(try await store.recordSingleUse(tenantID: "acme", purpose: "saml_request", digest: digest,
                                                            expiresAt: expires, now: now), false, "a replay")
            try expectEqual(try await store.recordSingleUse(tenantID: "globex", purpose: "saml_request", digest: digest,
                                                            expiresAt: expires, now: now), true, "the same value in globex")
            try expectEqual(try await store.recordSingleUse(tenantID: "acme", purpose: "otp", digest: digest,
                                                            expiresAt: expires, now: now), true, "the same value for another purpose")
        },

        Case("single-use markers: a lookup sees live markers of its tenant and purpose only, and records nothing") { store in
            let digest = ConformanceFixtures.digest()
            let now = ConformanceFixtures.baseDate
            let expires = ConformanceFixtures.date(plusSeconds: 600)
            try expectEqual(try await store.isSingleUseRecorded(tenantID: "acme", purpose: "reauthentication", digest: digest,
                                                                now: now), false, "before any record")
            try expectEqual(try await store.isSingleUseRecorded(tenantID: "acme", purpose: "reauthentication", digest: digest,
                                                                now: now), false, "a lookup recorded nothing")
            _ = try await store.recordSingleUse(tenantID: "acme", purpose: "reauthentication", digest: digest,
                                                expiresAt: expires, now: now)
            try expectEqual(try await store.isSingleUseRecorded(tenantID: "acme", purpose: "reauthentication", digest: digest,
                                                                now: now), true, "after the record")
            try expectEqual(try await store.isSingleUseRecorded(tenantID: "globex", purpose: "reauthentication", digest: digest,
                                                                now: now), false, "in another tenant")
            try expectEqual(try await store.isSingleUseRecorded(tenantID: "acme", purpose: "saml_request", digest: digest,
                                                                now: now), false, "for another purpose")
            try expectEqual(try await store.isSingleUseRecorded(tenantID: "acme", purpose: "reauthentication", digest: digest,
                                                                now: expires), false, "at its expiry")
            try await expectStoreError(.invalidInput, "a malformed digest") {
                _ = try await store.isSingleUseRecorded(tenantID: "acme", purpose: "reauthentication", digest: "nothex", now: now)
            }
        },

        Case("single-use markers: of 20 concurrent records exactly one wins") { store in
            let digest = ConformanceFixtures.digest()
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.recordSingleUse(tenantID: "acme", purpose: "saml_request", digest: digest,
                                                        expiresAt: ConformanceFixtures.date(plusSeconds: 600),
                                                        now: ConformanceFixtures.baseDate)
                    }
                }
                return try await group.reduce(into: 0) { count, won in if won { count += 1 } }
            }
            try expectEqual(winners, 1, "records that won")
        },

        Case("single-use markers: an expired marker is replaced; expired ones are swept; bad digests refused") { store in
            let digest = ConformanceFixtures.digest()
            let expires = ConformanceFixtures.date(plusSeconds: 600)
            _ = try await store.recordSingleUse(tenantID: "acme", purpose: "saml_request", digest: digest, expiresAt: expires,
                                                now: ConformanceFixtures.baseDate)
            try expectEqual(try await store.deleteExpiredSingleUseMarkers(before: expires.addingTimeInterval(-1)), 0,
                            "swept before the expiry")
            try expectEqual(try await store.recordSingleUse(tenantID: "acme", purpose: "saml_request", digest: digest,
                                                            expiresAt: expires.addingTimeInterval(600), now: expires),
                            true, "a record at the old marker's expiry")
            try expectEqual(try await store.deleteExpiredSingleUseMarkers(before: expires), 0, "swept at the old expiry")
            try expectEqual(try await store.deleteExpiredSingleUseMarkers(before: expires.addingTimeInterval(600)), 1,
                            "swept at the new expiry")
            try await expectStoreError(.invalidInput, "a malformed digest") {
                _ = try await store.recordSingleUse(tenantID: "acme", purpose: "saml_request", digest: "nothex",
                                                    expiresAt: expires, now: ConformanceFixtures.baseDate)
            }
        },
    ]
}
