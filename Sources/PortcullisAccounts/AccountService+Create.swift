import Foundation
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

extension AccountService {
    /// Creates a user of a database connection: the email checked, the password checked against
    /// the connection's policy and hashed with its cost (or an imported hash taken as it is), the
    /// user, password and `user.created` event stored in one transaction.
    ///
    /// - Parameters:
    ///   - actor: who creates the user; `nil` for sign-up, where it is the new user themself.
    ///   - via: how (`signup`, `api`, `cli`), kept in the event.
    /// - Throws: ``AccountFailure`` for input the rules refuse; hashing errors when the hashing
    ///   pool is saturated.
    public func create(_ new: NewUser, tenantID: String, connection: ConnectionConfig, by actor: EventParty?,
                       via: String, request: EventRequestContext? = nil, now: Date = Date()) async throws -> User {
        let email = new.email.trimmingCharacters(in: .whitespaces)
        guard EmailAddressCheck.isPlausible(email) else { throw AccountFailure.invalidEmail }
        var user = User(tenantID: tenantID, connection: connection.name.value, email: email, createdAt: now)
        for (field, value) in new.values where field != .email {
            user[field] = Self.normalized(value)
        }
        let credential: PasswordCredential?
        switch new.password {
        case .plain(let password):
            if let problem = PasswordPolicyCheck.problem(password, email: email, policy: connection.passwordPolicy) {
                throw AccountFailure.passwordRejected(problem)
            }
            let hash = try await hashing.hash(password, parameters: Argon2idParameters(connection.passwordHashing))
            credential = PasswordCredential(tenantID: tenantID, userID: user.id, hash: hash, updatedAt: now)
        case .hash(let hash):
            guard PasswordHashFormat(encoded: hash) != nil else { throw AccountFailure.unsupportedPasswordHash }
            credential = PasswordCredential(tenantID: tenantID, userID: user.id, hash: hash, updatedAt: now)
        case nil:
            credential = nil
        }
        // After the checks that need no one else, before anything is stored: a hook may refuse
        // or add metadata; the password was hashed first so the hook never sees it.
        user = try await hooks.beforeRegistration(user, via: via, request: request)
        let event = DomainEvent(.userCreated, tenantID: tenantID, subject: .user(user.id), actor: actor ?? .user(user.id),
                                request: request, at: now, details: ["connection": connection.name.value, "via": via])
        do {
            try await storage.create(user, password: credential, events: [event])
        } catch StoreError.conflict {
            throw AccountFailure.duplicate
        }
        await hooks.afterRegistration(user, via: via, request: request)
        return user
    }

    /// Empty text is no value: an optional field set to `""` is cleared.
    static func normalized(_ value: UserFieldValue) -> UserFieldValue {
        if case .text(let text?) = value, text.isEmpty { return .text(nil) }
        return value
    }
}
