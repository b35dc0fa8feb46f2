/// Why a store operation failed, worded for an operator's log.
///
/// Messages name paths, tenants and migration IDs but never SQL, bound values or key material, so
/// they are safe to log. HTTP handlers should still answer with a generic 503 and log this.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The database could not be opened or created; `location` is the file path or the server's
    /// address (never a password), `reason` says what to fix.
    case cannotOpen(driver: StoreDriver, location: String, reason: String)
    /// A schema migration failed; the database is left at the last migration that succeeded.
    case migrationFailed(String)
    /// The database was migrated by a newer Portcullis: `found` lists the migration IDs this
    /// program does not know. Running anyway could corrupt data the newer schema relies on.
    case databaseNewerThanProgram(knownMigrations: [String], found: [String])
    /// The database cannot serve the operation right now (locked past the busy timeout, I/O error,
    /// disk full…). Retrying later may succeed.
    case unavailable(String)
    /// A record with the same unique key already exists.
    case conflict(String)
    /// A value passed to the store cannot be stored (for example a date outside the storable range).
    case invalidInput(String)
    /// A stored record cannot be read back into its value type.
    case corruptRecord(String)

    public var description: String {
        switch self {
        case .cannotOpen(let driver, let location, let reason):
            "cannot open \(driver.displayName) database at \(location): \(reason)"
        case .migrationFailed(let reason):
            "database migration failed: \(reason)"
        case .databaseNewerThanProgram(let known, let found):
            "the database was migrated by a newer version of Portcullis (unknown migrations: "
                + found.joined(separator: ", ") + "; this version knows: " + known.joined(separator: ", ")
                + "); run the newer version or restore a backup taken before the upgrade"
        case .unavailable(let reason):
            "database unavailable: \(reason)"
        case .conflict(let reason):
            "conflict: \(reason)"
        case .invalidInput(let reason):
            "invalid input: \(reason)"
        case .corruptRecord(let reason):
            "corrupt record: \(reason)"
        }
    }
}
