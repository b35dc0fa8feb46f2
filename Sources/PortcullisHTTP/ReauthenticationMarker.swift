import Foundation
import PortcullisCrypto
import PortcullisStore

/// "Sign in again" for OAuth's `prompt=login` and `max_age` and SAML's `ForceAuthn`. When such a
/// request sends the browser to the login page, the URL it comes back to carries a marker
/// `{unix time}.{random}`; a session then counts only if it was authenticated at or after that time.
///
/// The marker travels in a URL the browser can edit, so its time is believed only because the store
/// remembers the digest of every marker issued: a client that writes `0` or an old time of its own
/// gets the login page again. A marker lives for `lifetime`, so one copied from the history of an
/// earlier sign-in stops working soon after that sign-in. The store, not a key in one process, holds
/// the record, so every replica on a shared store accepts what another issued.
enum ReauthenticationMarker {
    static let parameter = "portcullis_auth_after"
    static let purpose = "reauthentication"
    /// Time to finish signing in; the same as a SAML request's maximum age.
    static let lifetime: TimeInterval = 600

    /// A new marker for a login that starts now.
    static func issue(tenantID: String, storage: any SingleUseMarkerStore, now: Date) async throws -> String {
        let marker = "\(Int(now.timeIntervalSince1970)).\(RandomToken.make())"
        _ = try await storage.recordSingleUse(tenantID: tenantID, purpose: purpose, digest: SecretDigest(of: marker).hex,
                                              expiresAt: now.addingTimeInterval(lifetime), now: now)
        return marker
    }

    /// The time a session must have been authenticated at or after, if `value` is a live marker this
    /// tenant issued; `nil` for no marker, a malformed or forged one, or one that expired.
    static func authenticatedAfter(_ value: String?, tenantID: String, storage: any SingleUseMarkerStore,
                                   now: Date) async throws -> Date? {
        guard let value, value.utf8.count <= 80, let dot = value.firstIndex(of: "."),
              let seconds = Int(value[..<dot]), seconds > 0 else { return nil }
        guard try await storage.isSingleUseRecorded(tenantID: tenantID, purpose: purpose,
                                                    digest: SecretDigest(of: value).hex, now: now)
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
