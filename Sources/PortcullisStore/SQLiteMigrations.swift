import GRDB

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
