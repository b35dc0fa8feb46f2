import Foundation
import PortcullisConfig
import Synchronization

/// Management tokens already verified, so that a script calling the API thousands of times with
/// one token pays for the signature check once. An entry holds for the tenant object it was
/// verified against (a reload builds new ones, so rotated-out keys take effect at once) and until
/// the token expires. Tokens that belong to a grant (a user's, revocable) are never cached.
public final class ManagementTokenCache: Sendable {
    struct Entry {
        let tenant: ObjectIdentifier
        let caller: ManagementCaller
        let expiresAt: Date
    }

    /// Bounded: when full, the cache starts over rather than tracking recency; a few hundred
    /// clients are what a deployment has.
    static let capacity = 1024
    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    func caller(for token: Substring, tenant: Tenant, now: Date) -> ManagementCaller? {
        entries.withLock { entries in
            guard let entry = entries[String(token)] else { return nil }
            guard entry.tenant == ObjectIdentifier(tenant), entry.expiresAt > now else {
                entries[String(token)] = nil
                return nil
            }
            return entry.caller
        }
    }

    func remember(_ caller: ManagementCaller, for token: Substring, tenant: Tenant, expiresAt: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[String(token)] = Entry(tenant: ObjectIdentifier(tenant), caller: caller, expiresAt: expiresAt)
        }
    }
}
