import Foundation
import PortcullisStore
import PortcullisStoreSQLite
import PortcullisStoreConformance
import Testing

/// The shared store suite, run against real SQLite files and against the in-memory variant.
@Suite("SQLiteStore conformance")
struct ConformanceTests {
    @Test("on a file", arguments: StoreConformance.cases)
    func onFile(_ testCase: StoreConformance.Case) async throws {
        try await withTemporaryDirectory { directory in
            let conformance = StoreConformance(makeStore: {
                try SQLiteStore.open(path: directory.file("conformance-\(UUID().uuidString).sqlite"))
            })
            try await conformance.run(testCase)
        }
    }

    @Test("in memory", arguments: StoreConformance.cases)
    func inMemory(_ testCase: StoreConformance.Case) async throws {
        try await StoreConformance(makeStore: { try SQLiteStore.inMemory() }).run(testCase)
    }
}
