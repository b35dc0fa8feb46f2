import GRDB
import PortcullisStore

/// The versioned schema of the SQLite store, applied in order at start-up.
///
/// NEVER edit or reorder a migration once it has been merged: databases in the field have already
/// applied it and will not run it again, so an edit silently splits the schema between old and new
/// installations. Change the schema by appending a new migration with the next `vN_` prefix.
/// Migrations only move forward; a database migrated by a newer Portcullis is refused
/// (``StoreError/databaseNewerThanProgram(knownMigrations:found:)``) rather than guessed at.
///
/// Each migration is plain SQL, so what it does does not depend on the GRDB version.
public enum SQLiteMigrations {
    /// All migration IDs this program knows, oldest first.
    public static var identifiers: [String] { migrations.map(\.id) }

    /// The ID of the newest migration: the schema version of an up-to-date database.
    public static var latest: String { migrations[migrations.count - 1].id }

    private static let migrations: [(id: String, sql: String)] = [
        ("v1_signing_keys", """
            -- Keys generated in development mode. created_at: UTC Unix time in milliseconds.
            -- origin tells generated keys from kinds added later (rotation, import), so that the
            -- one-generated-key-per-algorithm rule below never has to be rebuilt.
            CREATE TABLE signing_keys (
                tenant_id       TEXT    NOT NULL,
                kid             TEXT    NOT NULL,
                algorithm       TEXT    NOT NULL,
                private_key_pem TEXT    NOT NULL,
                created_at      INTEGER NOT NULL,
                origin          TEXT    NOT NULL DEFAULT 'generated',
                PRIMARY KEY (tenant_id, kid)
            );
            CREATE UNIQUE INDEX signing_keys_one_generated_per_algorithm
                ON signing_keys (tenant_id, algorithm) WHERE origin = 'generated';
            """),
        ("v2_audit_events", """
            -- occurred_at: UTC Unix time in milliseconds. details_json: a JSON object of strings.
            -- The index is ascending on purpose: "newest first" walks it backwards, and since every
            -- index entry ends with the rowid, ties come out in reverse append order with no sort
            -- step. A DESC column would make SQLite sort the ties in a temporary B-tree.
            CREATE TABLE audit_events (
                id           TEXT    NOT NULL PRIMARY KEY,
                tenant_id    TEXT,
                type         TEXT    NOT NULL,
                occurred_at  INTEGER NOT NULL,
                actor        TEXT,
                details_json TEXT    NOT NULL DEFAULT '{}'
            );
            CREATE INDEX audit_events_by_tenant_and_time
                ON audit_events (tenant_id, occurred_at);
            """),
        ("v3_users", """
            -- Users, their password hashes and their lockout counters. Times: UTC Unix ms.
            -- The key is (tenant_id, id) and the child tables reference both columns, so a row can
            -- only ever belong to a user of its own tenant. email_key and username_key hold
            -- User.normalizedLoginName of email and username (computed by the program, since
            -- SQLite's lower() folds ASCII only); uniqueness is on them, per tenant and connection.
            -- version: optimistic concurrency for whole-record updates.
            CREATE TABLE users (
                tenant_id          TEXT    NOT NULL,
                id                 TEXT    NOT NULL,
                connection         TEXT    NOT NULL,
                email              TEXT    NOT NULL,
                email_key          TEXT    NOT NULL,
                email_verified     INTEGER NOT NULL DEFAULT 0,
                username           TEXT,
                username_key       TEXT,
                name               TEXT,
                given_name         TEXT,
                family_name        TEXT,
                picture            TEXT,
                blocked            INTEGER NOT NULL DEFAULT 0,
                app_metadata_json  TEXT    NOT NULL DEFAULT '{}',
                user_metadata_json TEXT    NOT NULL DEFAULT '{}',
                created_at         INTEGER NOT NULL,
                updated_at         INTEGER NOT NULL,
                last_login_at      INTEGER,
                login_count        INTEGER NOT NULL DEFAULT 0,
                version            INTEGER NOT NULL DEFAULT 1,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE UNIQUE INDEX users_unique_email
                ON users (tenant_id, connection, email_key);
            -- Users without a username (NULL) do not collide: NULLs are distinct in a unique index.
            CREATE UNIQUE INDEX users_unique_username
                ON users (tenant_id, connection, username_key) WHERE username_key IS NOT NULL;
            -- Paging through a tenant's users, oldest first, without a sort step.
            CREATE INDEX users_by_tenant_and_creation
                ON users (tenant_id, created_at, id);

            -- hash: a PHC string (argon2id) or an imported bcrypt hash, never a password.
            CREATE TABLE password_credentials (
                tenant_id  TEXT    NOT NULL,
                user_id    TEXT    NOT NULL,
                hash       TEXT    NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, user_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );

            -- One row per user with recent failures; deleted on reset.
            CREATE TABLE login_attempts (
                tenant_id            TEXT    NOT NULL,
                user_id              TEXT    NOT NULL,
                consecutive_failures INTEGER NOT NULL,
                last_failure_at      INTEGER,
                locked_until         INTEGER,
                PRIMARY KEY (tenant_id, user_id),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            """),
        ("v4_sessions", """
            -- digest: SHA-256 (lowercase hex) of the cookie's random token; the token itself is
            -- never stored, so a copy of the database yields no usable cookie. amr_json: a JSON
            -- array of strings. Times: UTC Unix ms.
            CREATE TABLE sessions (
                digest              TEXT    NOT NULL PRIMARY KEY,
                tenant_id           TEXT    NOT NULL,
                user_id             TEXT    NOT NULL,
                created_at          INTEGER NOT NULL,
                last_seen_at        INTEGER NOT NULL,
                auth_time           INTEGER NOT NULL,
                amr_json            TEXT    NOT NULL DEFAULT '[]',
                ip                  TEXT,
                user_agent          TEXT,
                idle_expires_at     INTEGER NOT NULL,
                absolute_expires_at INTEGER NOT NULL,
                revoked_at          INTEGER,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            -- Revoking or listing a user's sessions, and the cascade when a user is deleted.
            CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);
            -- The sweep of dead sessions: whichever timeout comes first, or the revocation.
            CREATE INDEX sessions_by_expiry ON sessions (min(idle_expires_at, absolute_expires_at));
            CREATE INDEX sessions_by_revocation ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
            """),
        ("v5_email_tokens", """
            -- digest: SHA-256 (lowercase hex) of the emailed token, which is never stored.
            -- purpose: verify_email, reset_password or unlock. No CHECK on it, because adding a
            -- purpose to a CHECK would mean rebuilding the table. Times: UTC Unix ms.
            CREATE TABLE email_tokens (
                digest     TEXT    NOT NULL PRIMARY KEY,
                tenant_id  TEXT    NOT NULL,
                user_id    TEXT    NOT NULL,
                purpose    TEXT    NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at    INTEGER,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            CREATE INDEX email_tokens_by_user ON email_tokens (tenant_id, user_id, purpose);
            CREATE INDEX email_tokens_by_expiry ON email_tokens (expires_at);
            """),
        ("v6_oauth_grants", """
            -- Authorization codes and refresh tokens. digest: SHA-256 (lowercase hex) of the code or
            -- token, which is never stored. scopes_json and amr_json: JSON arrays of strings.
            -- organization_id has no foreign key: a code or token keeps the organization it was
            -- issued for, and the grants check membership when they use it. Times: UTC Unix ms.
            CREATE TABLE authorization_codes (
                digest                TEXT    NOT NULL PRIMARY KEY,
                tenant_id             TEXT    NOT NULL,
                client_id             TEXT    NOT NULL,
                user_id               TEXT    NOT NULL,
                redirect_uri          TEXT    NOT NULL,
                scopes_json           TEXT    NOT NULL DEFAULT '[]',
                audience              TEXT,
                organization_id       TEXT,
                nonce                 TEXT,
                code_challenge        TEXT,
                code_challenge_method TEXT,
                session_digest        TEXT,
                auth_time             INTEGER NOT NULL,
                amr_json              TEXT    NOT NULL DEFAULT '[]',
                grant_id              TEXT    NOT NULL,
                created_at            INTEGER NOT NULL,
                expires_at            INTEGER NOT NULL,
                used_at               INTEGER,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            -- The cascade when a user is deleted, and the sweep of expired codes.
            CREATE INDEX authorization_codes_by_user ON authorization_codes (tenant_id, user_id);
            CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);

            -- family_id: the grant ID of the code the family descends from, shared by every rotation.
            CREATE TABLE refresh_tokens (
                digest              TEXT    NOT NULL PRIMARY KEY,
                tenant_id           TEXT    NOT NULL,
                client_id           TEXT    NOT NULL,
                user_id             TEXT    NOT NULL,
                family_id           TEXT    NOT NULL,
                scopes_json         TEXT    NOT NULL DEFAULT '[]',
                audience            TEXT,
                organization_id     TEXT,
                session_digest      TEXT,
                auth_time           INTEGER NOT NULL,
                amr_json            TEXT    NOT NULL DEFAULT '[]',
                created_at          INTEGER NOT NULL,
                expires_at          INTEGER NOT NULL,
                absolute_expires_at INTEGER NOT NULL,
                used_at             INTEGER,
                revoked_at          INTEGER,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            CREATE INDEX refresh_tokens_by_family ON refresh_tokens (tenant_id, family_id);
            CREATE INDEX refresh_tokens_by_user ON refresh_tokens (tenant_id, user_id);
            CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (min(expires_at, absolute_expires_at));
            CREATE INDEX refresh_tokens_by_revocation ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL;

            -- One row per revoked grant (token family). It outlives the family's token rows, which
            -- the sweep deletes, so access tokens of the grant keep failing introspection until
            -- they have expired; it also records revocations of grants that never had a refresh
            -- token (a replayed code whose first exchange issued only an access token).
            CREATE TABLE revoked_token_families (
                tenant_id  TEXT    NOT NULL,
                family_id  TEXT    NOT NULL,
                revoked_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, family_id)
            );
            CREATE INDEX revoked_token_families_by_time ON revoked_token_families (revoked_at);
            """),
        ("v7_organizations", """
            -- Organizations, their members and role assignments. Times: UTC Unix ms.
            -- Organization names are ASCII (a-z, 0-9, - and _), so NOCASE, which folds ASCII only,
            -- compares them case-insensitively; the unique index also orders listings by name.
            CREATE TABLE organizations (
                tenant_id     TEXT    NOT NULL,
                id            TEXT    NOT NULL,
                name          TEXT    NOT NULL COLLATE NOCASE,
                display_name  TEXT,
                metadata_json TEXT    NOT NULL DEFAULT '{}',
                created_at    INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE UNIQUE INDEX organizations_unique_name ON organizations (tenant_id, name);

            -- Deleting the organization or the user deletes the membership.
            CREATE TABLE organization_members (
                tenant_id       TEXT    NOT NULL,
                organization_id TEXT    NOT NULL,
                user_id         TEXT    NOT NULL,
                created_at      INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, organization_id, user_id),
                FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            CREATE INDEX organization_members_by_user ON organization_members (tenant_id, user_id);

            -- role: a role name from the tenant's configuration. organization_id is NULL for a
            -- tenant-wide assignment. An organization-scoped assignment references the membership,
            -- so removing the member, deleting the organization or deleting the user removes it;
            -- SQLite does not check a foreign key with a NULL column, so tenant-wide rows are
            -- bound to the user alone. NULLs are distinct in a unique index, hence two indexes.
            CREATE TABLE role_assignments (
                tenant_id       TEXT    NOT NULL,
                user_id         TEXT    NOT NULL,
                role            TEXT    NOT NULL,
                organization_id TEXT,
                created_at      INTEGER NOT NULL,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
                FOREIGN KEY (tenant_id, organization_id, user_id)
                    REFERENCES organization_members (tenant_id, organization_id, user_id) ON DELETE CASCADE
            );
            CREATE UNIQUE INDEX role_assignments_unique_tenant_wide
                ON role_assignments (tenant_id, user_id, role) WHERE organization_id IS NULL;
            -- Also the index the membership foreign key needs for its cascade.
            CREATE UNIQUE INDEX role_assignments_unique_in_organization
                ON role_assignments (tenant_id, organization_id, user_id, role) WHERE organization_id IS NOT NULL;
            CREATE INDEX role_assignments_by_user ON role_assignments (tenant_id, user_id);
            """),
        ("v8_user_permissions", """
            -- Permissions given to users directly. resource_server: a resource server identifier and
            -- permission: one of its scope values, both from the tenant's configuration. The primary
            -- key starts with the user, so it serves listing a user's grants, in order, and the
            -- cascade when the user is deleted. Times: UTC Unix ms.
            CREATE TABLE user_permissions (
                tenant_id       TEXT    NOT NULL,
                user_id         TEXT    NOT NULL,
                resource_server TEXT    NOT NULL,
                permission      TEXT    NOT NULL,
                created_at      INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, user_id, resource_server, permission),
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            """),
        ("v9_audit_event_context", """
            -- Whom an event is about (`user:usr_…`) and the request it came from. The index serves a
            -- user's own log (newest first, walked backwards like audit_events_by_tenant_and_time).
            ALTER TABLE audit_events ADD COLUMN subject    TEXT;
            ALTER TABLE audit_events ADD COLUMN ip         TEXT;
            ALTER TABLE audit_events ADD COLUMN user_agent TEXT;
            ALTER TABLE audit_events ADD COLUMN request_id TEXT;
            CREATE INDEX audit_events_by_subject
                ON audit_events (tenant_id, subject, occurred_at) WHERE subject IS NOT NULL;
            """),
        ("v10_users_by_email", """
            -- The management API finds users by email across connections (`q=email:"…"`,
            -- /users-by-email); the unique index leads with the connection and cannot serve that.
            CREATE INDEX users_by_email ON users (tenant_id, email_key);
            """),
        ("v11_audit_event_retention", """
            -- Log retention deletes every tenant's old events at once; the tenant-first index
            -- cannot serve that without a scan.
            CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
            """),
        ("v12_linked_identities", """
            -- Account linking: a linked identity names its primary user (same tenant). The store
            -- deletes a primary's identities with it (a column added later cannot carry the
            -- composite foreign key). Listing skips linked rows; the index finds a primary's identities.
            ALTER TABLE users ADD COLUMN linked_to TEXT;
            CREATE INDEX users_by_primary ON users (tenant_id, linked_to, created_at, id) WHERE linked_to IS NOT NULL;
            """),
        ("v13_runtime_roles", """
            -- Roles created through the management API. Assignments name roles (runtime or
            -- configured) by name, so deleting or renaming a runtime role updates role_assignments
            -- in the same transaction (the store does it: a name is not a foreign key). The index
            -- on role_assignments serves "who holds this role" and those updates.
            CREATE TABLE roles (
                tenant_id   TEXT    NOT NULL,
                id          TEXT    NOT NULL,
                name        TEXT    NOT NULL,
                description TEXT    NOT NULL,
                created_at  INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, name)
            );
            CREATE TABLE role_permissions (
                tenant_id       TEXT    NOT NULL,
                role_id         TEXT    NOT NULL,
                resource_server TEXT    NOT NULL,
                permission      TEXT    NOT NULL,
                created_at      INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, role_id, resource_server, permission),
                FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
            );
            CREATE INDEX role_assignments_by_role ON role_assignments (tenant_id, role, user_id);
            """),
        ("v14_organization_details", """
            -- Organization branding for the hosted pages, and the connections enabled per
            -- organization. connection names a configured connection (not a foreign key: the
            -- configuration is not in the database).
            ALTER TABLE organizations ADD COLUMN logo_url TEXT;
            ALTER TABLE organizations ADD COLUMN primary_color TEXT;
            ALTER TABLE organizations ADD COLUMN page_background TEXT;
            CREATE TABLE organization_connections (
                tenant_id                  TEXT    NOT NULL,
                organization_id            TEXT    NOT NULL,
                connection                 TEXT    NOT NULL,
                assign_membership_on_login INTEGER NOT NULL,
                show_as_button             INTEGER NOT NULL,
                is_signup_enabled          INTEGER NOT NULL,
                created_at                 INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, organization_id, connection),
                FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
            );
            -- Before this version any connection could log in to an organization; from now on only
            -- enabled ones can. Enabling, for each existing organization, every connection its
            -- tenant's users belong to keeps the logins that worked before the upgrade working.
            INSERT INTO organization_connections
                (tenant_id, organization_id, connection, assign_membership_on_login, show_as_button, is_signup_enabled, created_at)
            SELECT o.tenant_id, o.id, c.connection, 0, 1, 0, o.created_at
            FROM organizations o JOIN (SELECT DISTINCT tenant_id, connection FROM users) c ON c.tenant_id = o.tenant_id;
            """),
        ("v15_organization_invitations", """
            -- Invitations to organizations. ticket_digest is the SHA-256 of the link's ticket; a
            -- revoked invitation keeps its row (revoked_at) so its link can say so.
            CREATE TABLE organization_invitations (
                tenant_id          TEXT    NOT NULL,
                id                 TEXT    NOT NULL,
                organization_id    TEXT    NOT NULL,
                inviter_name       TEXT    NOT NULL,
                invitee_email      TEXT    NOT NULL,
                client_id          TEXT    NOT NULL,
                connection         TEXT,
                roles_json         TEXT    NOT NULL,
                app_metadata_json  TEXT    NOT NULL,
                user_metadata_json TEXT    NOT NULL,
                ticket_digest      TEXT    NOT NULL,
                created_at         INTEGER NOT NULL,
                expires_at         INTEGER NOT NULL,
                accepted_at        INTEGER,
                accepted_by        TEXT,
                revoked_at         INTEGER,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, ticket_digest),
                FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations (tenant_id, id) ON DELETE CASCADE
            );
            CREATE INDEX organization_invitations_by_organization
                ON organization_invitations (tenant_id, organization_id, created_at);
            """),
        ("v16_webhook_outbox", """
            -- The webhook outbox: every event a webhook could subscribe to enters it in the
            -- transaction that writes the event. AUTOINCREMENT: a sequence is never reused, even
            -- after the newest rows are removed, so the order is the order of commits.
            CREATE TABLE event_outbox (
                seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                tenant_id  TEXT    NOT NULL,
                event_id   TEXT    NOT NULL,
                event_type TEXT    NOT NULL
            );
            -- One event to one webhook. seq is the outbox position (the order per subject);
            -- leased_until keeps a claimed delivery from a second worker until then.
            CREATE TABLE webhook_deliveries (
                id              TEXT    NOT NULL PRIMARY KEY,
                seq             INTEGER NOT NULL,
                tenant_id       TEXT    NOT NULL,
                webhook         TEXT    NOT NULL,
                event_id        TEXT    NOT NULL,
                event_type      TEXT    NOT NULL,
                subject         TEXT,
                payload_json    TEXT    NOT NULL,
                status          TEXT    NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                leased_until    INTEGER,
                last_status     INTEGER,
                last_error      TEXT,
                created_at      INTEGER NOT NULL,
                delivered_at    INTEGER,
                UNIQUE (tenant_id, webhook, event_id)
            );
            CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
            CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (tenant_id, webhook, subject, status, seq);
            CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (tenant_id, webhook, created_at);
            """),
        ("v17_code_hook_claims", """
            -- The claims post_login hooks added at the login, kept with the code until the token
            -- endpoint mints with them (a JSON object, or NULL when no hook added any).
            ALTER TABLE authorization_codes ADD COLUMN hook_claims_json TEXT;
            """),
        ("v18_paused_logins", """
            -- Logins waiting for a form a post_login hook asked for; keyed by the SHA-256 of the
            -- form's ticket, gone when the form is submitted or declined, swept when expired.
            CREATE TABLE paused_logins (
                digest         TEXT    NOT NULL PRIMARY KEY,
                tenant_id      TEXT    NOT NULL,
                user_id        TEXT    NOT NULL,
                session_digest TEXT    NOT NULL,
                client_id      TEXT    NOT NULL,
                request_digest TEXT    NOT NULL,
                hook           TEXT    NOT NULL,
                form           TEXT    NOT NULL,
                state_json     TEXT    NOT NULL,
                created_at     INTEGER NOT NULL,
                expires_at     INTEGER NOT NULL,
                FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
            );
            CREATE INDEX paused_logins_by_user ON paused_logins (tenant_id, user_id);
            CREATE INDEX paused_logins_by_expiry ON paused_logins (expires_at);
            """),
        ("v19_single_use_markers", """
            -- Values accepted once until they expire (SAML AuthnRequest IDs answered), by SHA-256.
            CREATE TABLE single_use_markers (
                tenant_id  TEXT    NOT NULL,
                purpose    TEXT    NOT NULL,
                digest     TEXT    NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, purpose, digest)
            );
            CREATE INDEX single_use_markers_by_expiry ON single_use_markers (expires_at);
            """),
    ]

    /// Brings the database up to `target` (the newest migration when `nil`).
    ///
    /// Used at start-up by ``SQLiteStore/open(path:busyTimeout:)``; tests and tools use `target` to
    /// build a database as an older Portcullis left it.
    ///
    /// - Throws: ``StoreError/databaseNewerThanProgram(knownMigrations:found:)`` when the database
    ///   has migrations this program does not know; ``StoreError/migrationFailed(_:)`` when
    ///   `target` is unknown, the database is already past `target`, or a migration fails.
    public static func migrate(_ writer: any DatabaseWriter, upTo target: String? = nil) throws(StoreError) {
        let target = target ?? latest
        // GRDB stops the process on an unknown target or one behind the database; check first so
        // callers get an error value instead.
        guard let targetIndex = identifiers.firstIndex(of: target) else {
            throw .migrationFailed("unknown migration \(target); known: \(identifiers.joined(separator: ", "))")
        }
        try refuseNewerDatabase(writer)
        let applied = try appliedMigrations(writer)
        if let newest = applied.last, let newestIndex = identifiers.firstIndex(of: newest), newestIndex > targetIndex {
            throw .migrationFailed("the database is already migrated past \(target) (to \(newest))")
        }
        try runMigrator(writer, upTo: target)
        // A newer replica may have migrated between the first check and ours; check again.
        try refuseNewerDatabase(writer)
    }

    /// IDs of the known migrations applied to the database, oldest first.
    public static func appliedMigrations(_ reader: any DatabaseReader) throws(StoreError) -> [String] {
        do {
            return try reader.read { try migrator.appliedMigrations($0) }
        } catch {
            throw .migrationFailed("cannot read applied migrations: \(SQLiteErrorText.describe(error))")
        }
    }

    /// Runs GRDB's migrator, tolerating replicas that migrate the same file at the same time.
    ///
    /// GRDB reads the applied migrations before taking the write lock, so when two processes start
    /// together one of them can run a migration the other has just committed ("table already
    /// exists"). Such a failure is harmless when the other process made progress meanwhile: then
    /// try again. Each retry needs another applied migration, so the loop is bounded.
    private static func runMigrator(_ writer: any DatabaseWriter, upTo target: String) throws(StoreError) {
        var retriesLeft = identifiers.count
        while true {
            let before = try appliedMigrations(writer)
            do {
                try migrator.migrate(writer, upTo: target)
                return
            } catch {
                let after = try appliedMigrations(writer)
                guard retriesLeft > 0, after != before else {
                    throw .migrationFailed(SQLiteErrorText.describe(error))
                }
                retriesLeft -= 1
            }
        }
    }

    private static func refuseNewerDatabase(_ reader: any DatabaseReader) throws(StoreError) {
        let unknown: [String]
        do {
            let applied = try reader.read { try migrator.appliedIdentifiers($0) }
            unknown = applied.subtracting(identifiers).sorted()
        } catch {
            throw .migrationFailed("cannot read applied migrations: \(SQLiteErrorText.describe(error))")
        }
        if !unknown.isEmpty {
            throw .databaseNewerThanProgram(knownMigrations: identifiers, found: unknown)
        }
    }

    private static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }()
}
