import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: UserStore {
    public func create(_ user: User, password: PasswordCredential?, events: [DomainEvent]) async throws {
        let values = try SQLiteUserRows.Values(user)
        let passwordUpdatedAt = try password.map { credential throws(StoreError) in
            try SQLiteTimestamp.milliseconds(credential.updatedAt)
        }
        if let password, password.tenantID != user.tenantID || password.userID != user.id {
            throw StoreError.invalidInput("create user: the password belongs to another user")
        }
        do {
            try await write("create user", events: events) { db in
                try db.execute(sql: """
                    INSERT INTO users (
                        tenant_id, id, connection, email, email_key, email_verified, username, username_key,
                        name, given_name, family_name, picture, blocked, app_metadata_json, user_metadata_json,
                        created_at, updated_at, last_login_at, login_count, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        user.tenantID, user.id, user.connection, user.email, values.emailKey, user.emailVerified,
                        user.username, values.usernameKey, user.name, user.givenName, user.familyName,
                        user.picture, user.blocked, user.appMetadataJSON, user.userMetadataJSON,
                        values.createdAt, values.updatedAt, values.lastLoginAt, user.loginCount, user.version,
                    ])
                if let password, let passwordUpdatedAt {
                    try db.execute(sql: """
                        INSERT INTO password_credentials (tenant_id, user_id, hash, updated_at) VALUES (?, ?, ?, ?)
                        """, arguments: [password.tenantID, password.userID, password.hash, passwordUpdatedAt])
                }
            }
        } catch StoreError.conflict {
            // Say which rule was hit, without the email or username: they are personal data.
            throw StoreError.conflict(
                "create user: the tenant already has a user with this id, or with this email or username on the connection")
        }
    }

    public func user(tenantID: String, id: String) async throws -> User? {
        try await read("read user") { db in
            // A cached statement: the management API reads users by id on every call, and
            // compiling the query (with GRDB's authorizer) costs more than running it.
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT \(SQLiteUserRows.columns) FROM users WHERE tenant_id = ? AND id = ?
                """), arguments: [tenantID, id])
            .map(User.init(row:))
        }
    }

    public func userWithIdentities(tenantID: String, id: String) async throws -> UserWithIdentities? {
        // One statement (the user, then its identities oldest first), so one snapshot without a
        // transaction: see pointRead.
        try pointRead("read user with identities") { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT 0 AS part, \(SQLiteUserRows.columns) FROM users WHERE tenant_id = ? AND id = ?
                UNION ALL
                SELECT 1 AS part, \(SQLiteUserRows.columns) FROM users WHERE tenant_id = ? AND linked_to = ?
                ORDER BY part, created_at, id
                """), arguments: [tenantID, id, tenantID, id])
            guard let first = try rows.next(), first["part"] as Int? == 0 else { return nil }
            var found = UserWithIdentities(user: try User(row: first), linked: [])
            while let row = try rows.next() { found.linked.append(try User(row: row)) }
            return found
        }
    }

    public func user(tenantID: String, connection: String, email: String) async throws -> User? {
        let emailKey = User.normalizedLoginName(email)
        return try await read("find user by email") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(SQLiteUserRows.columns) FROM users
                WHERE tenant_id = ? AND connection = ? AND email_key = ?
                """, arguments: [tenantID, connection, emailKey])
            .map(User.init(row:))
        }
    }

    public func user(tenantID: String, connection: String, username: String) async throws -> User? {
        let usernameKey = User.normalizedLoginName(username)
        return try await read("find user by username") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(SQLiteUserRows.columns) FROM users
                WHERE tenant_id = ? AND connection = ? AND username_key = ?
                """, arguments: [tenantID, connection, usernameKey])
            .map(User.init(row:))
        }
    }

    public func update(_ user: User, password: PasswordCredential?, events: [DomainEvent]) async throws -> User? {
        let values = try SQLiteUserRows.Values(user)
        if let password, password.tenantID != user.tenantID || password.userID != user.id {
            throw StoreError.invalidInput("update user: the password belongs to another user")
        }
        let passwordUpdatedAt = try password.map { credential throws(StoreError) in
            try SQLiteTimestamp.milliseconds(credential.updatedAt)
        }
        return try await write("update user", events: events, when: { $0 != nil }) { db in
            // The version check and the write are one statement, so of two updates based on the
            // same read, exactly one succeeds.
            let updated: Row?
            do {
                updated = try Row.fetchOne(db, sql: """
                    UPDATE users SET
                        email = ?, email_key = ?, email_verified = ?, username = ?, username_key = ?,
                        name = ?, given_name = ?, family_name = ?, picture = ?, blocked = ?,
                        app_metadata_json = ?, user_metadata_json = ?, updated_at = ?, version = version + 1
                    WHERE tenant_id = ? AND id = ? AND version = ?
                    RETURNING \(SQLiteUserRows.columns)
                    """, arguments: [
                        user.email, values.emailKey, user.emailVerified, user.username, values.usernameKey,
                        user.name, user.givenName, user.familyName, user.picture, user.blocked,
                        user.appMetadataJSON, user.userMetadataJSON, values.updatedAt,
                        user.tenantID, user.id, user.version,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.conflict("update user: another user of the connection has this email or username")
            }
            if let updated {
                if user.blocked {
                    try db.execute(sql: """
                        UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL
                        """, arguments: [values.updatedAt, user.tenantID, user.id])
                    _ = try db.revokeRefreshTokens(tenantID: user.tenantID, userID: user.id, at: values.updatedAt)
                }
                if let password, let passwordUpdatedAt {
                    try db.execute(sql: """
                        INSERT INTO password_credentials (tenant_id, user_id, hash, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (tenant_id, user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
                        """, arguments: [password.tenantID, password.userID, password.hash, passwordUpdatedAt])
                }
                return try User(row: updated)
            }
            let exists = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM users WHERE tenant_id = ? AND id = ?)
                """, arguments: [user.tenantID, user.id]) ?? false
            guard exists else {
                return nil
            }
            throw StoreError.conflict("update user: the user was changed since it was read; read it again")
        }
    }

    public func delete(tenantID: String, id: String, events: [DomainEvent]) async throws -> Bool {
        // Foreign keys with ON DELETE CASCADE remove the password, lockout state, sessions, email
        // tokens, authorization codes, refresh tokens, memberships and role assignments in the
        // same transaction.
        try await write("delete user", events: events, when: { $0 }) { db in
            try db.execute(sql: "DELETE FROM users WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            let deleted = db.changesCount > 0
            // The identities linked into the user go with it.
            if deleted { try db.execute(sql: "DELETE FROM users WHERE tenant_id = ? AND linked_to = ?", arguments: [tenantID, id]) }
            return deleted
        }
    }

    public func users(tenantID: String, matching query: UserQuery, sort: UserSort, page: Int,
                      perPage: Int, countingTotal: Bool) async throws -> UserPage {
        let perPage = UserPageSize.clamp(perPage)
        let page = max(page, 0)
        let filter = try SQLiteUserQuery(query)
        let order = SQLiteUserQuery.orderBy(sort)
        // A page so far out that its offset overflows is simply past the end.
        let (offset, overflow) = page.multipliedReportingOverflow(by: perPage)
        return try await read("list users") { db in
            // One read transaction: the total and the page come from the same snapshot.
            var total: Int?
            if countingTotal {
                total = try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE tenant_id = ? AND linked_to IS NULL AND (\(filter.sql))",
                                         arguments: StatementArguments([tenantID]) + filter.arguments) ?? 0
            }
            guard !overflow, offset < (total ?? Int.max) else {
                return UserPage(users: [], total: total, page: page, perPage: perPage)
            }
            let users = try Row.fetchAll(db, sql: """
                SELECT \(SQLiteUserRows.columns) FROM users
                WHERE tenant_id = ? AND linked_to IS NULL AND (\(filter.sql))
                ORDER BY \(order)
                LIMIT ? OFFSET ?
                """, arguments: StatementArguments([tenantID]) + filter.arguments + [perPage, offset])
            .map(User.init(row:))
            return UserPage(users: users, total: total, page: page, perPage: perPage)
        }
    }

    public func recordLogin(tenantID: String, id: String, at: Date, events: [DomainEvent]) async throws -> User? {
        let loginAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("record login", events: events, when: { $0 != nil }) { db in
            // Incremented in SQL, not read-modify-write, so concurrent logins are all counted.
            try Row.fetchOne(db, sql: """
                UPDATE users SET login_count = login_count + 1, last_login_at = ?
                WHERE tenant_id = ? AND id = ?
                RETURNING \(SQLiteUserRows.columns)
                """, arguments: [loginAt, tenantID, id])
            .map(User.init(row:))
        }
    }

    public func link(tenantID: String, secondaryID: String, to primaryID: String, at: Date,
                     events: [DomainEvent]) async throws {
        let now = try SQLiteTimestamp.milliseconds(at)
        try await write("link user", events: events) { db in
            guard secondaryID != primaryID else { throw StoreError.invalidInput("link user: a user cannot be linked to itself") }
            let linkedTo = { (id: String) throws -> String?? in
                try Row.fetchOne(db, sql: "SELECT linked_to FROM users WHERE tenant_id = ? AND id = ?",
                                 arguments: [tenantID, id]).map { $0["linked_to"] as String? }
            }
            guard let primary = try linkedTo(primaryID) else { throw StoreError.invalidInput("link user: no primary user with this id") }
            guard primary == nil else { throw StoreError.invalidInput("link user: the primary user is itself a linked identity") }
            guard let secondary = try linkedTo(secondaryID) else { throw StoreError.invalidInput("link user: no secondary user with this id") }
            guard secondary == nil else { throw StoreError.invalidInput("link user: the secondary user is already linked") }
            let hasIdentities = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM users WHERE tenant_id = ? AND linked_to = ?)
                """, arguments: [tenantID, secondaryID]) ?? false
            guard !hasIdentities else { throw StoreError.invalidInput("link user: the secondary user has linked identities of its own") }
            try db.execute(sql: "UPDATE users SET linked_to = ?, updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
                           arguments: [primaryID, now, tenantID, secondaryID])
            // Sessions and grants of the secondary name it, not the primary it now signs in as.
            try db.execute(sql: "UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL",
                           arguments: [now, tenantID, secondaryID])
            _ = try db.revokeRefreshTokens(tenantID: tenantID, userID: secondaryID, at: now)
        }
    }

    public func unlink(tenantID: String, secondaryID: String, from primaryID: String, at: Date,
                       events: [DomainEvent]) async throws -> Bool {
        let now = try SQLiteTimestamp.milliseconds(at)
        return try await write("unlink user", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                UPDATE users SET linked_to = NULL, updated_at = ?, version = version + 1
                WHERE tenant_id = ? AND id = ? AND linked_to = ?
                """, arguments: [now, tenantID, secondaryID, primaryID])
            return db.changesCount > 0
        }
    }

    public func linkedUsers(tenantID: String, primaryIDs: [String]) async throws -> [User] {
        guard !primaryIDs.isEmpty else { return [] }
        guard primaryIDs.count <= 100 else { throw StoreError.invalidInput("list linked identities: at most 100 users at once") }
        let placeholders = Array(repeating: "?", count: primaryIDs.count).joined(separator: ", ")
        return try await read("list linked identities") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(SQLiteUserRows.columns) FROM users WHERE tenant_id = ? AND linked_to IN (\(placeholders))
                ORDER BY created_at, id
                """), arguments: StatementArguments([tenantID] + primaryIDs))
            .map(User.init(row:))
        }
    }
}
