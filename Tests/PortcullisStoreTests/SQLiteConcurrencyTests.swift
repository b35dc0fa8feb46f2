import Foundation
import PortcullisStore
import PortcullisStoreSQLite
import Testing

/// Behaviour that needs two SQLite connection pools on one file, like two replicas.
@Suite("SQLiteStore concurrency")
struct SQLiteConcurrencyTests {
    @Test func twoStoresOnOneFileAgreeOnTheGeneratedKey() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("replicas.sqlite")
            let replicas = [try SQLiteStore.open(path: path), try SQLiteStore.open(path: path)]
            let results = try await withThrowingTaskGroup(of: StoredSigningKey.self) { group in
                for index in 0..<20 {
                    let replica = replicas[index % replicas.count]
                    group.addTask {
                        try await replica.insertGeneratedKeyIfAbsent(StoredSigningKey(
                            tenantID: "acme", kid: "replica-\(index)", algorithm: "ES256",
                            privateKeyPEM: "pem-\(index)", createdAt: Date()))
                    }
                }
                return try await group.reduce(into: [StoredSigningKey]()) { $0.append($1) }
            }
            #expect(Set(results).count == 1)
            for replica in replicas {
                #expect(try await replica.generatedKeys(tenantID: "acme") == [results[0]])
            }
        }
    }

    @Test func replicasStartingTogetherMigrateAFreshFileOnce() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("fresh.sqlite")
            // Each open runs the migrations on its own connection pool, as separate processes would.
            let versions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask { try SQLiteStore.open(path: path).schemaVersion }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(versions == Array(repeating: SQLiteMigrations.latest, count: 4))
        }
    }
}
