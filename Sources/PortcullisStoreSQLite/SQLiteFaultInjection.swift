/// Code the tests run at chosen points inside a write transaction, to prove what a crash there
/// leaves behind. Never set outside tests.
@_spi(Testing)
public struct SQLiteFaultInjection: Sendable {
    /// Runs after a change's statements and before its events are inserted, in the same transaction.
    public var afterChangeBeforeEvents: @Sendable () -> Void

    public init(afterChangeBeforeEvents: @escaping @Sendable () -> Void) {
        self.afterChangeBeforeEvents = afterChangeBeforeEvents
    }
}
