import PortcullisCore
import PortcullisStore
import PortcullisStoreSQLite

/// A store opened from `storage` settings, with what start-up logs about it.
public struct OpenedStore: Sendable {
    public let storage: any PortcullisStorage
    public let driver: StoreDriver
    /// Where the data lives: the SQLite file path (never a password or a connection URL's secret).
    public let location: String
    /// The newest migration applied, e.g. `"v9_audit_event_context"`.
    public let schemaVersion: String
}

/// Opens the store `storage.driver` names. `serve` and every CLI command open their store here, so a
/// second driver is added in one place, and nothing above the store names an implementation.
public enum StoreFactory {
    /// Opens (creating and migrating if needed) the configured store.
    ///
    /// - Parameter databaseOverride: the `--database` option of the commands: replaces
    ///   `storage.sqlite.path` for the SQLite driver.
    /// - Throws: ``StoreError`` from the driver, naming it and the location.
    public static func open(_ settings: StorageSettings, databaseOverride: String? = nil) throws(StoreError) -> OpenedStore {
        switch settings.driver {
        case .sqlite:
            let path = databaseOverride ?? settings.sqlite.path
            let store = try SQLiteStore.open(path: path, busyTimeout: settings.sqlite.busyTimeout)
            return OpenedStore(storage: store, driver: .sqlite, location: path, schemaVersion: store.schemaVersion)
        }
    }
}
