import GRDB
import PortcullisStore

extension SQLiteStore {
    /// Runs `body` on a reader connection and turns failures into ``StoreError``s naming `operation`.
    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let cancellation as CancellationError {
            throw cancellation
        } catch {
            throw SQLiteErrorText.storeError(error, during: operation)
        }
    }

    /// Runs one statement's read on the calling thread, outside a transaction, for the point reads
    /// the management API makes on every call.
    ///
    /// Why not ``read(_:_:)``: the asynchronous read hands the work to a reader's dispatch queue and
    /// back, and wraps it in BEGIN/COMMIT; at a point read's size those two thread switches and two
    /// statements cost several times the query (measured: docs/benchmarks.md, management API).
    /// Blocking the caller is bounded: in WAL mode a reader never waits for a writer, the pool has
    /// more readers than the cooperative pool has threads, and `body` must be **one** indexed
    /// statement — a single statement sees one snapshot without a transaction.
    func pointRead<T: Sendable>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.unsafeRead(body)
        } catch {
            throw SQLiteErrorText.storeError(error, during: operation)
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction (GRDB's default for writers), so a write never
    /// has to upgrade a read lock, which is the one case where SQLite fails with SQLITE_BUSY even
    /// with a busy timeout. Keep `body` to database work: anything slow inside it delays every writer.
    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let cancellation as CancellationError {
            throw cancellation
        } catch {
            throw SQLiteErrorText.storeError(error, during: operation)
        }
    }

    /// ``write(_:_:)`` for a change that has events: they are inserted in the same transaction,
    /// after the change, when `when` says the change took place (a `false` from "remove member"
    /// means there was nothing to remove, and nothing happened to record). A change that throws
    /// rolls its events back with it.
    func write<T: Sendable>(_ operation: String, events: [DomainEvent],
                            when happened: @escaping @Sendable (T) -> Bool = { _ in true },
                            _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if events.isEmpty { return try await write(operation, body) }
        // Encoded before the transaction, which should hold database work only.
        let rows = try events.map { try SQLiteAuditEventRow(AuditEvent($0)) }
        let faults = self.faults
        let result = try await write(operation) { db in
            let result = try body(db)
            if happened(result) {
                faults?.afterChangeBeforeEvents()
                for row in rows { try row.insert(into: db) }
            }
            return result
        }
        if happened(result) { notifyOutbox(rows) }
        return result
    }

    /// Wakes the delivery worker after a commit that queued events for webhooks.
    func notifyOutbox(_ rows: [SQLiteAuditEventRow]) {
        if rows.contains(where: { $0.webhookType != nil }) { outboxSignal.notify() }
    }
}

extension Row {
    /// The value of `column`, or ``StoreError/corruptRecord(_:)`` naming the column but not the row
    /// (the row may hold key material).
    func value<T: DatabaseValueConvertible>(_ column: String, in table: String) throws(StoreError) -> T {
        do {
            return try decode(T.self, forColumn: column)
        } catch {
            throw .corruptRecord("\(table).\(column) holds a value that is not a \(T.self)")
        }
    }
}
