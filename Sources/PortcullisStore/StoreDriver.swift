/// The database engines a store can run on, named in errors and logs so an operator knows which one
/// failed.
public enum StoreDriver: String, Sendable, Hashable, CaseIterable {
    case sqlite

    /// The engine's name as its own documentation writes it.
    public var displayName: String {
        switch self {
        case .sqlite: "SQLite"
        }
    }
}
