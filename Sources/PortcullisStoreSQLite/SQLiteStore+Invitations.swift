import Foundation
import GRDB
import PortcullisStore

extension SQLiteStore: InvitationStore {
    private static let columns = """
        tenant_id, id, organization_id, inviter_name, invitee_email, client_id, connection, roles_json, app_metadata_json,
        user_metadata_json, ticket_digest, created_at, expires_at, accepted_at, accepted_by, revoked_at
        """

    public func createInvitation(_ invitation: Invitation, events: [DomainEvent]) async throws {
        try StoredJSON.requireObject(invitation.appMetadataJSON, field: "invitation app_metadata")
        try StoredJSON.requireObject(invitation.userMetadataJSON, field: "invitation user_metadata")
        let roles = try StoredJSON.encode(strings: invitation.roles, field: "invitation roles")
        let createdAt = try SQLiteTimestamp.milliseconds(invitation.createdAt)
        let expiresAt = try SQLiteTimestamp.milliseconds(invitation.expiresAt)
        do {
            try await write("create invitation", events: events) { db in
                try db.requireOrganization(tenantID: invitation.tenantID, id: invitation.organizationID, during: "create invitation")
                try db.execute(sql: """
                    INSERT INTO organization_invitations (\(Self.columns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)
                    """, arguments: [
                        invitation.tenantID, invitation.id, invitation.organizationID, invitation.inviterName,
                        invitation.inviteeEmail, invitation.clientID, invitation.connection, roles,
                        invitation.appMetadataJSON, invitation.userMetadataJSON, invitation.ticketDigest, createdAt, expiresAt,
                    ])
            }
        } catch StoreError.conflict {
            throw StoreError.conflict("create invitation: the id or ticket is already in use")
        }
    }

    public func invitation(tenantID: String, organizationID: String, id: String) async throws -> Invitation? {
        try await read("read invitation") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.columns) FROM organization_invitations
                WHERE tenant_id = ? AND organization_id = ? AND id = ? AND revoked_at IS NULL AND accepted_at IS NULL
                """, arguments: [tenantID, organizationID, id])
            .map(Invitation.init(row:))
        }
    }

    public func invitations(tenantID: String, organizationID: String, offset: Int, limit: Int) async throws -> [Invitation] {
        try Self.requirePage(offset: offset, limit: limit, during: "list invitations")
        return try await read("list invitations") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM organization_invitations
                WHERE tenant_id = ? AND organization_id = ? AND revoked_at IS NULL AND accepted_at IS NULL
                ORDER BY created_at DESC, id LIMIT ? OFFSET ?
                """, arguments: [tenantID, organizationID, limit, offset])
            .map(Invitation.init(row:))
        }
    }

    public func invitationCount(tenantID: String, organizationID: String) async throws -> Int {
        try await read("count invitations") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM organization_invitations WHERE tenant_id = ? AND organization_id = ? AND revoked_at IS NULL AND accepted_at IS NULL
                """, arguments: [tenantID, organizationID]) ?? 0
        }
    }

    public func invitation(tenantID: String, ticketDigest: String) async throws -> Invitation? {
        try await read("find invitation by ticket") { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.columns) FROM organization_invitations WHERE tenant_id = ? AND ticket_digest = ?
                """, arguments: [tenantID, ticketDigest])
            .map(Invitation.init(row:))
        }
    }

    public func revokeInvitation(tenantID: String, organizationID: String, id: String, at: Date,
                                 events: [DomainEvent]) async throws -> Bool {
        let revokedAt = try SQLiteTimestamp.milliseconds(at)
        return try await write("revoke invitation", events: events, when: { $0 }) { db in
            try db.execute(sql: """
                UPDATE organization_invitations SET revoked_at = ?
                WHERE tenant_id = ? AND organization_id = ? AND id = ? AND revoked_at IS NULL AND accepted_at IS NULL
                """, arguments: [revokedAt, tenantID, organizationID, id])
            return db.changesCount > 0
        }
    }

    public func acceptInvitation(tenantID: String, ticketDigest: String, userID: String, at: Date,
                                 events: [DomainEvent]) async throws -> Invitation {
        let now = try SQLiteTimestamp.milliseconds(at)
        let outcome: Result<Invitation, InvitationRefusal> = try await write("accept invitation", events: events,
                                                                             when: { (try? $0.get()) != nil }) { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.columns) FROM organization_invitations WHERE tenant_id = ? AND ticket_digest = ?
                """, arguments: [tenantID, ticketDigest]) else { return .failure(.unknown) }
            var invitation = try Invitation(row: row)
            if let refusal = invitation.refusal(at: at) { return .failure(refusal) }
            try db.requireUser(tenantID: tenantID, userID: userID, during: "accept invitation")
            // Spent first, in the same statement that checks it is still unspent.
            try db.execute(sql: """
                UPDATE organization_invitations SET accepted_at = ?, accepted_by = ?
                WHERE tenant_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL
                """, arguments: [now, userID, tenantID, invitation.id])
            guard db.changesCount == 1 else { return .failure(.used) }
            try db.execute(sql: """
                INSERT INTO organization_members (tenant_id, organization_id, user_id, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, organization_id, user_id) DO NOTHING
                """, arguments: [tenantID, invitation.organizationID, userID, now])
            for role in invitation.roles {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO role_assignments (tenant_id, user_id, role, organization_id, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [tenantID, userID, role, invitation.organizationID, now])
            }
            if invitation.appMetadataJSON != "{}" || invitation.userMetadataJSON != "{}" {
                let stored = try Row.fetchOne(db, sql: """
                    SELECT app_metadata_json, user_metadata_json FROM users WHERE tenant_id = ? AND id = ?
                    """, arguments: [tenantID, userID])
                let app = try StoredJSON.mergeTopLevel(invitation.appMetadataJSON, into: stored?["app_metadata_json"] ?? "{}",
                                                       field: "app_metadata")
                let user = try StoredJSON.mergeTopLevel(invitation.userMetadataJSON, into: stored?["user_metadata_json"] ?? "{}",
                                                        field: "user_metadata")
                try db.execute(sql: """
                    UPDATE users SET app_metadata_json = ?, user_metadata_json = ?, updated_at = ?, version = version + 1
                    WHERE tenant_id = ? AND id = ?
                    """, arguments: [app, user, now, tenantID, userID])
            }
            invitation.acceptedAt = SQLiteTimestamp.date(milliseconds: now)
            invitation.acceptedBy = userID
            return .success(invitation)
        }
        return try outcome.get()
    }
}

extension Invitation {
    init(row: Row) throws(StoreError) {
        let table = "organization_invitations"
        let rolesJSON: String = try row.value("roles_json", in: table)
        guard let roles = try? JSONDecoder().decode([String].self, from: Data(rolesJSON.utf8)) else {
            throw .corruptRecord("\(table).roles_json holds a value that is not a list of strings")
        }
        let accepted: Int64? = try row.value("accepted_at", in: table)
        let revoked: Int64? = try row.value("revoked_at", in: table)
        self.init(
            id: try row.value("id", in: table), tenantID: try row.value("tenant_id", in: table),
            organizationID: try row.value("organization_id", in: table), inviterName: try row.value("inviter_name", in: table),
            inviteeEmail: try row.value("invitee_email", in: table), clientID: try row.value("client_id", in: table),
            connection: try row.value("connection", in: table), roles: roles,
            appMetadataJSON: try row.value("app_metadata_json", in: table),
            userMetadataJSON: try row.value("user_metadata_json", in: table),
            ticketDigest: try row.value("ticket_digest", in: table),
            createdAt: SQLiteTimestamp.date(milliseconds: try row.value("created_at", in: table)),
            expiresAt: SQLiteTimestamp.date(milliseconds: try row.value("expires_at", in: table)),
            acceptedAt: accepted.map(SQLiteTimestamp.date(milliseconds:)), acceptedBy: try row.value("accepted_by", in: table),
            revokedAt: revoked.map(SQLiteTimestamp.date(milliseconds:)))
    }
}
