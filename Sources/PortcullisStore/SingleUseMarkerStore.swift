import Foundation

/// Remembers values that may be accepted only once until they expire — SAML request IDs answered,
/// later one-time codes — by the SHA-256 of the value, per tenant and purpose.
public protocol SingleUseMarkerStore: Sendable {
    /// Records the marker unless it is already recorded and unexpired, as one atomic step: of any
    /// number of concurrent calls with the same tenant, purpose and digest, exactly one gets `true`.
    /// An expired marker counts as absent (it is replaced).
    ///
    /// - Parameters:
    ///   - purpose: what the value is (`saml_request`, …), so equal values of different kinds never meet.
    ///   - digest: SHA-256 of the value, 64 lowercase hex characters.
    ///   - expiresAt: when the value stops mattering (it would be refused for its age anyway).
    /// - Throws: ``StoreError/invalidInput(_:)`` if the digest is malformed or the purpose empty.
    func recordSingleUse(tenantID: String, purpose: String, digest: String, expiresAt: Date, now: Date) async throws -> Bool

    /// Whether the marker is recorded and unexpired at `now`, without recording it: for values the
    /// server issued and must recognise when they come back (a sign-in-again marker).
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if the digest is malformed or the purpose empty.
    func isSingleUseRecorded(tenantID: String, purpose: String, digest: String, now: Date) async throws -> Bool

    /// Deletes, across all tenants, markers that expire at or before `before`.
    ///
    /// - Returns: how many were deleted.
    @discardableResult
    func deleteExpiredSingleUseMarkers(before: Date) async throws -> Int
}
