import Foundation
import GRDB
import PortcullisStore

/// How a ``User`` maps onto the `users` table: one column list shared by every query that
/// returns users, and the values of one user prepared before a write transaction starts.
enum SQLiteUserRows {
    /// The columns ``User/init(row:)`` reads, in the order they are selected.
    static let columns = """
        tenant_id, id, connection, email, email_verified, username, name, given_name, family_name,
        picture, blocked, app_metadata_json, user_metadata_json, created_at, updated_at,
        last_login_at, login_count, version, linked_to
        """

    /// The column values of `user` that need work (dates, comparison keys, checked JSON), computed
    /// outside the write transaction, which should hold database work only.
    struct Values: Sendable {
        var emailKey: String
        var usernameKey: String?
        var createdAt: Int64
        var updatedAt: Int64
        var lastLoginAt: Int64?

        init(_ user: User) throws(StoreError) {
            try StoredJSON.requireObject(user.appMetadataJSON, field: "app_metadata")
            try StoredJSON.requireObject(user.userMetadataJSON, field: "user_metadata")
            emailKey = User.normalizedLoginName(user.email)
            usernameKey = user.username.map(User.normalizedLoginName)
            createdAt = try SQLiteTimestamp.milliseconds(user.createdAt)
            updatedAt = try SQLiteTimestamp.milliseconds(user.updatedAt)
            lastLoginAt = try user.lastLoginAt.map { date throws(StoreError) in try SQLiteTimestamp.milliseconds(date) }
        }
    }
}

extension User {
    init(row: Row) throws(StoreError) {
        self.init(
            id: try row.value("id", in: "users"),
            tenantID: try row.value("tenant_id", in: "users"),
            connection: try row.value("connection", in: "users"),
            email: try row.value("email", in: "users"),
            emailVerified: try row.value("email_verified", in: "users"),
            username: try row.value("username", in: "users"),
            name: try row.value("name", in: "users"),
            givenName: try row.value("given_name", in: "users"),
            familyName: try row.value("family_name", in: "users"),
            picture: try row.value("picture", in: "users"),
            blocked: try row.value("blocked", in: "users"),
            appMetadataJSON: try row.value("app_metadata_json", in: "users"),
            userMetadataJSON: try row.value("user_metadata_json", in: "users"),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: "users")),
            updatedAt: SQLiteTimestamp.date(milliseconds: try row.value("updated_at", in: "users")),
            lastLoginAt: try (row.value("last_login_at", in: "users") as Int64?).map(SQLiteTimestamp.date(milliseconds:)),
            loginCount: try row.value("login_count", in: "users"),
            version: try row.value("version", in: "users"),
            linkedTo: try row.value("linked_to", in: "users")
        )
    }
}

extension Database {
    /// Throws unless `tenantID` has a user `userID`. Called inside the write transaction that then
    /// inserts the user's row, so the user cannot disappear in between, and the caller gets a
    /// clear error instead of SQLite's foreign key failure.
    func requireUser(tenantID: String, userID: String, during operation: String) throws {
        let exists = try Bool.fetchOne(self, sql: """
            SELECT EXISTS (SELECT 1 FROM users WHERE tenant_id = ? AND id = ?)
            """, arguments: [tenantID, userID]) ?? false
        guard exists else {
            throw StoreError.invalidInput("\(operation): the user does not exist in this tenant")
        }
    }
}
