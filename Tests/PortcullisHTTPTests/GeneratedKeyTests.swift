import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisHTTP
import PortcullisStore
import PortcullisStoreSQLite
import Testing

/// Development mode: a tenant without keys gets one generated key, kept in the store so that it is
/// the same after a restart (tokens stay verifiable) and across reloads.
@Suite("Generated development keys")
struct GeneratedKeyTests {
    @Test func tenantWithoutKeysGetsAPersistentGeneratedKey() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try server.edit("config/tenants/globex.yaml") { text in
            guard let start = text.range(of: "signing_keys:"), let end = text.range(of: "connections:") else { return text }
            return text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "")
        }
        let provider = StoreKeyProvider(storage: server.storage)
        let first = await server.loader.load(generation: 1, keyProvider: provider)
        let firstKey = try #require(first.snapshot?.tenantsByID["globex"]?.activeKey)
        #expect(firstKey.algorithm == .es256)
        #expect(first.warnings.contains { $0.message.contains("development mode uses generated ES256 and RS256 keys") })

        // A new process: a new store handle on the same file, a new key cache.
        let reopened = try SQLiteStore.open(path: server.directory.appendingPathComponent("db/portcullis.sqlite").path)
        let second = await server.loader.load(generation: 1, keyProvider: StoreKeyProvider(storage: reopened))
        let secondKey = try #require(second.snapshot?.tenantsByID["globex"]?.activeKey)
        #expect(secondKey.publicJWK == firstKey.publicJWK)
        #expect(try await reopened.generatedKeys(tenantID: "globex").count == 2)
        #expect(second.snapshot?.tenantsByID["globex"]?.signingKeys.map(\.algorithm) == [.es256, .rs256])
    }
}
