import Foundation
import PortcullisStore

/// Values the cases share. Dates are whole milliseconds, the precision every store must keep.
enum ConformanceFixtures {
    static let baseDate = Date(timeIntervalSince1970: 1_750_000_000)

    static func date(plusMilliseconds milliseconds: Int) -> Date {
        baseDate.addingTimeInterval(Double(milliseconds) / 1000)
    }

    /// A fake PEM: stores must not parse key material, only keep it.
    static func signingKey(
        tenant: String, kid: String, algorithm: String = "ES256", createdAt: Date = baseDate
    ) -> StoredSigningKey {
        StoredSigningKey(
            tenantID: tenant, kid: kid, algorithm: algorithm,
            privateKeyPEM: "-----BEGIN PRIVATE KEY-----\n\(kid)-\(tenant)-\(algorithm)\n-----END PRIVATE KEY-----\n",
            createdAt: createdAt)
    }

    /// Whether two dates are equal at millisecond precision.
    static func sameMillisecond(_ lhs: Date, _ rhs: Date) -> Bool {
        abs(lhs.timeIntervalSince(rhs)) < 0.0005
    }
}

/// Fails unless `actual` has the same fields as `expected`, dates compared to the millisecond.
func expectSameKey(
    _ actual: StoredSigningKey, _ expected: StoredSigningKey, _ what: String,
    file: String = #fileID, line: Int = #line
) throws(ExpectationFailed) {
    var comparable = actual
    if ConformanceFixtures.sameMillisecond(actual.createdAt, expected.createdAt) {
        comparable.createdAt = expected.createdAt
    }
    try expectEqual(comparable, expected, what, file: file, line: line)
}

/// Fails unless `actual` has the same fields as `expected`, dates compared to the millisecond.
func expectSameEvents(
    _ actual: [AuditEvent], _ expected: [AuditEvent], _ what: String,
    file: String = #fileID, line: Int = #line
) throws(ExpectationFailed) {
    let comparable = zip(actual, expected).map { actual, expected in
        var event = actual
        if ConformanceFixtures.sameMillisecond(actual.occurredAt, expected.occurredAt) {
            event.occurredAt = expected.occurredAt
        }
        return event
    } + actual.dropFirst(expected.count)
    try expectEqual(comparable, expected, what, file: file, line: line)
}
