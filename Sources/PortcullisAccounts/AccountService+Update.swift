import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

extension AccountService {
    /// The most attempts an update makes when other writers keep changing the user between its
    /// read and its write; each attempt applies the changes to the latest stored record, so no
    /// concurrent change is lost.
    static let updateAttempts = 8

    /// Applies `changes` to the latest stored user in one transaction with its events
    /// (`user.updated`, and `user.blocked`/`user.unblocked`, `user.password_changed` when those
    /// happen). Blocking revokes the user's sessions and refresh tokens in that transaction and
    /// drops them from the resolver's cache before returning.
    ///
    /// Changing the email marks it unverified unless `changes` sets `email_verified` too (as Auth0
    /// does). Changes that leave the user as it is write nothing and record nothing.
    ///
    /// - Parameter connection: the user's connection, whose password policy a new password meets.
    /// - Throws: ``Failure/noSuchUser``; ``AccountFailure``.
    public func update(tenantID: String, userID: String, changes: UserChanges, connection: ConnectionConfig?,
                       by actor: EventParty, request: EventRequestContext? = nil, now: Date = Date()) async throws -> User {
        guard let current = try await storage.user(tenantID: tenantID, id: userID) else { throw Failure.noSuchUser }
        let credential = try await newCredential(changes, for: current, connection: connection, now: now)
        var asked = false
        for _ in 0..<Self.updateAttempts {
            guard let before = try await storage.user(tenantID: tenantID, id: userID) else { throw Failure.noSuchUser }
            var user = before
            for (field, value) in changes.values where field != .appMetadata && field != .userMetadata {
                user[field] = Self.normalized(value)
            }
            if User.normalizedLoginName(user.email) != User.normalizedLoginName(before.email), changes.values[.emailVerified] == nil {
                user.emailVerified = false
            }
            if let patch = changes.appMetadata { user.appMetadataJSON = try Self.merge(patch, into: user.appMetadataJSON) }
            if let patch = changes.userMetadata { user.userMetadataJSON = try Self.merge(patch, into: user.userMetadataJSON) }
            guard user != before || credential != nil else { return before }
            // Asked once: a retry after a concurrent write applies the same change again.
            if !asked {
                try await hooks.beforeUpdate(before, proposed: user, request: request)
                asked = true
            }
            user.updatedAt = now
            let events = Self.events(before: before, after: user, passwordChanged: credential != nil, actor: actor,
                                     request: request, now: now)
            do {
                guard let stored = try await storage.update(user, password: credential, events: events) else {
                    throw Failure.noSuchUser
                }
                if stored.blocked, !before.blocked { invalidation.userSessionsEnded(tenantID: tenantID, userID: userID) }
                return stored
            } catch StoreError.conflict {
                // Either someone wrote the user since our read (read again and reapply), or the
                // new email or username belongs to another user.
                let latest = try await storage.user(tenantID: tenantID, id: userID)
                if latest?.version == before.version { throw AccountFailure.duplicate }
            }
        }
        throw AccountFailure.contended
    }

    private func newCredential(_ changes: UserChanges, for user: User, connection: ConnectionConfig?,
                               now: Date) async throws -> PasswordCredential? {
        guard let password = changes.password else { return nil }
        guard let connection else { throw AccountFailure.passwordNotAllowed }
        var email = user.email
        if case .text(let changed?) = changes.values[.email] { email = changed }
        if let problem = PasswordPolicyCheck.problem(password, email: email, policy: connection.passwordPolicy) {
            throw AccountFailure.passwordRejected(problem)
        }
        let hash = try await hashing.hash(password, parameters: Argon2idParameters(connection.passwordHashing))
        return PasswordCredential(tenantID: user.tenantID, userID: user.id, hash: hash, updatedAt: now)
    }

    private static func events(before: User, after: User, passwordChanged: Bool, actor: EventParty,
                               request: EventRequestContext?, now: Date) -> [DomainEvent] {
        func event(_ kind: DomainEventKind, _ details: [String: String] = [:]) -> DomainEvent {
            DomainEvent(kind, tenantID: after.tenantID, subject: .user(after.id), actor: actor, request: request, at: now,
                        details: details)
        }
        // The names of the changed fields, never their values: events are shown to admins.
        let changed = UserField.allCases.filter { before[$0] != after[$0] }.map(\.rawValue)
        var events: [DomainEvent] = []
        if !changed.isEmpty { events.append(event(.userUpdated, ["fields": changed.joined(separator: ",")])) }
        if before.blocked != after.blocked { events.append(event(after.blocked ? .userBlocked : .userUnblocked)) }
        if passwordChanged { events.append(event(.passwordChanged, ["via": "update"])) }
        return events
    }

    /// Auth0's metadata merge: each top-level key of `patch` replaces the stored one, `null`
    /// removes it, keys not named stay.
    static func merge(_ patch: [String: JSONValue], into stored: String) throws -> String {
        var object = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(stored.utf8))) ?? [:]
        for (key, value) in patch {
            if value == .null { object[key] = nil } else { object[key] = value }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONValue.object(object)), as: UTF8.self)
    }
}
