import Foundation
import PortcullisAccounts
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Password login against a database connection: lookup, lockout, verification on the bounded
/// hashing pool, hash upgrade, and session creation. Unknown users and wrong passwords take the same
/// path and time (a dummy verification), and give the same answer.
public struct LoginService: Sendable {
    public enum Outcome: Sendable {
        /// The session cookie value (`token`) and the stored session.
        case success(token: String, session: Session, user: User)
        case invalidCredentials
        /// This failure locked the account: answered like any wrong password, and the owner is sent
        /// an unlock link.
        case lockedNow(user: User, until: Date)
        case locked(until: Date)
        case blocked
        /// The hashing pool is saturated: answer 503 with Retry-After.
        case busy
    }

    let users: any UserStore
    let credentials: any CredentialStore
    let attempts: any LoginAttemptStore
    let sessions: any SessionStore
    let hashing: PasswordHashingPool
    let events: EventRecorder
    let unknownAccounts: UnknownAccountLockout

    public init(storage: any PortcullisStorage, hashing: PasswordHashingPool, events: EventRecorder,
                unknownAccounts: UnknownAccountLockout = UnknownAccountLockout()) {
        users = storage
        credentials = storage
        attempts = storage
        sessions = storage
        self.hashing = hashing
        self.events = events
        self.unknownAccounts = unknownAccounts
    }

    /// Every outcome is recorded as an event: a success with the session it creates, a wrong
    /// password with the failure count it raises, the rest (unknown account, locked, blocked)
    /// through the recorder, as they change nothing stored.
    public func login(tenant: TenantConfig, connection: ConnectionConfig, identifier: String, password: String,
                      request: EventRequestContext, now: Date = Date()) async throws -> Outcome {
        let tenantID = tenant.id.value
        let parameters = Argon2idParameters(connection.passwordHashing)
        func event(_ kind: DomainEventKind, _ user: User?, reason: String? = nil) -> DomainEvent {
            var details = ["connection": connection.name.value]
            if let reason { details["reason"] = reason }
            return DomainEvent(kind, tenantID: tenantID, subject: user.map { .user($0.id) }, actor: user.map { .user($0.id) },
                               request: request, at: now, details: details)
        }
        guard !identifier.isEmpty, !password.isEmpty, password.utf8.count <= 1024,
              let user = try await findUser(tenantID: tenantID, connection: connection, identifier: identifier),
              let credential = try await credentials.password(tenantID: tenantID, userID: user.id)
        else {
            do { try await hashing.verifyDummy(password, parameters: parameters) } catch { return .busy }
            guard !identifier.isEmpty else { return .invalidCredentials }
            events.record(event(.loginFailed, nil, reason: "unknown_account"))
            // An unknown account fails exactly as a real one would, lockout included.
            let key = tenantID + "|" + connection.name.value + "|" + User.normalizedLoginName(identifier)
            if let until = unknownAccounts.lockedUntil(key, now: now) { return .locked(until: until) }
            _ = unknownAccounts.recordFailure(key, now: now, maxFailures: connection.lockout.maxFailures,
                                              lockFor: Double(connection.lockout.duration.wholeSeconds))
            return .invalidCredentials
        }
        let lock = try await attempts.lockState(tenantID: tenantID, userID: user.id)
        if let until = lock.lockedUntil, lock.isLocked(at: now) {
            // Verify anyway so a locked account answers in the same time as any other.
            _ = try? await hashing.verify(password, against: credential.hash, parameters: parameters)
            events.record(event(.loginFailed, user, reason: "locked"))
            return .locked(until: until)
        }
        let verification: PasswordVerification
        do { verification = try await hashing.verify(password, against: credential.hash, parameters: parameters) } catch {
            return .busy
        }
        guard case .valid(let needsRehash) = verification else {
            let failures = try await attempts.recordFailure(tenantID: tenantID, userID: user.id, at: now,
                                                            events: [event(.loginFailed, user, reason: "wrong_password")])
            if failures >= connection.lockout.maxFailures {
                let until = now.addingTimeInterval(Double(connection.lockout.duration.wholeSeconds))
                try await attempts.lock(tenantID: tenantID, userID: user.id, until: until,
                                        events: [event(.accountLocked, user)])
                return .lockedNow(user: user, until: until)
            }
            return .invalidCredentials
        }
        if user.blocked {
            events.record(event(.loginFailed, user, reason: "blocked"))
            return .blocked
        }
        // A linked identity signs in as its primary user (account linking): the session, the
        // login count and every token name the primary.
        var account = user
        if let primaryID = user.linkedTo {
            guard let primary = try await users.user(tenantID: tenantID, id: primaryID) else { return .invalidCredentials }
            if primary.blocked {
                events.record(event(.loginFailed, primary, reason: "blocked"))
                return .blocked
            }
            account = primary
        }
        // Most logins follow no failure: skip the write when there is nothing to reset.
        if lock.consecutiveFailures > 0 || lock.lockedUntil != nil {
            try await attempts.reset(tenantID: tenantID, userID: user.id)
        }
        if needsRehash, let upgraded = try? await hashing.hash(password, parameters: parameters) {
            try await credentials.setPassword(PasswordCredential(tenantID: tenantID, userID: user.id, hash: upgraded, updatedAt: now))
        }
        let updated = try await users.recordLogin(tenantID: tenantID, id: account.id, at: now) ?? account
        let token = RandomToken.make()
        let session = Session(
            digest: SecretDigest(of: token).hex, tenantID: tenantID, userID: account.id, createdAt: now, authTime: now,
            amr: ["pwd"], ip: request.ip, userAgent: request.userAgent,
            idleExpiresAt: now.addingTimeInterval(Double(tenant.session.idleTimeout.wholeSeconds)),
            absoluteExpiresAt: now.addingTimeInterval(Double(tenant.session.absoluteTimeout.wholeSeconds)))
        var succeeded = event(.loginSucceeded, account)
        if account.id != user.id { succeeded.details["identity"] = user.externalID }
        try await sessions.createSession(session, events: [succeeded])
        return .success(token: token, session: session, user: updated)
    }

    private func findUser(tenantID: String, connection: ConnectionConfig, identifier: String) async throws -> User? {
        let name = connection.name.value
        switch connection.loginIdentifier {
        case .email: return try await users.user(tenantID: tenantID, connection: name, email: identifier)
        case .username: return try await users.user(tenantID: tenantID, connection: name, username: identifier)
        case .emailOrUsername:
            if let user = try await users.user(tenantID: tenantID, connection: name, email: identifier) { return user }
            return try await users.user(tenantID: tenantID, connection: name, username: identifier)
        }
    }
}

