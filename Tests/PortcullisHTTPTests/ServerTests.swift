import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisHTTP
import PortcullisStore
import PortcullisStoreSQLite
import PortcullisCrypto
import PortcullisUI
import Testing

/// An example-config server in process, with a real SQLite file in a temporary directory.
struct TestServer {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    let loader: ConfigLoader
    let configStore: ConfigStore
    let storage: SQLiteStore
    let reloader: ConfigReloader
    /// The shipped templates, loaded once per server.
    let renderer: PageRenderer

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("config"),
                                         to: directory.appendingPathComponent("config"))
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("secrets.example.yaml"),
                                         to: directory.appendingPathComponent("secrets.yaml"))
        // The test clients send `Host: localhost`; route the example tenants there.
        for tenant in ["acme", "globex"] {
            let path = directory.appendingPathComponent("config/tenants/\(tenant).yaml").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            // The issuer, and the management API audience in the client grants, which names it.
            try text.replacingOccurrences(of: "http://127.0.0.1:8080/", with: "http://localhost/")
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        loader = ConfigLoader(configDirectory: directory.appendingPathComponent("config").path,
                              secretsPath: directory.appendingPathComponent("secrets.yaml").path)
        storage = try SQLiteStore.open(path: directory.appendingPathComponent("db/portcullis.sqlite").path)
        let result = await loader.load(generation: 1)
        configStore = ConfigStore(try #require(result.snapshot))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        reloader = ConfigReloader(loader: loader, store: configStore, keyProvider: StoreKeyProvider(storage: storage),
                                  keyCache: ParsedKeyCache(), logger: logger)
        renderer = try await PageRenderer(templateDirectory: Self.repositoryRoot.appendingPathComponent("Templates").path)
    }

    func application(services: ServerServices? = nil, logger: Logger? = nil) -> some ApplicationProtocol {
        let logger = logger ?? {
            var quiet = Logger(label: "test")
            quiet.logLevel = .critical
            return quiet
        }()
        return ApplicationBuilder.build(configStore: configStore, services: services ?? makeServices(),
                                        listen: ListenAddress("127.0.0.1:0")!, logger: logger)
    }

    /// The server's services with the shipped templates and a small hashing pool.
    func makeServices(mail: AccountMail? = nil) -> ServerServices {
        ServerServices(storage: storage, renderer: renderer, hashing: PasswordHashingPool(workers: 2, queueCapacity: 32),
                       mail: mail)
    }

    func edit(_ relative: String, _ change: (String) -> String) throws {
        let path = directory.appendingPathComponent(relative).path
        try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("HTTP endpoints")
struct ServerTests {
    @Test func discoveryAndJWKSPerTenant() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/acme/.well-known/openid-configuration", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "public, max-age=300")
                let document = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
                #expect(document["issuer"] == "http://localhost/acme")
                #expect(document["jwks_uri"] == "http://localhost/acme/.well-known/jwks.json")
            }
            try await client.execute(uri: "/globex/.well-known/jwks.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
                guard case .array(let keys)? = document["keys"] else { Issue.record("no keys"); return }
                #expect(keys.map { $0["kid"] } == ["globex-es256-2026"])
                #expect(keys.allSatisfy { $0["d"] == nil })
            }
        }
    }

    @Test func unknownHostOrTenantIs404JSON() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            for path in ["/nobody/.well-known/jwks.json", "/acmeX/.well-known/jwks.json", "/"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound)
                    let body = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
                    #expect(body["error"] == "not_found")
                }
            }
            try await client.execute(uri: "/acme/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func healthReadinessAndMetrics() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"config_generation\":1"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("portcullis_config_generation"))
                #expect(text.contains("portcullis_config_reload_failures_total"))
                #expect(text.contains("portcullis_http_requests_total"))
            }
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/acme/.well-known/jwks.json", method: .post,
                                     headers: [.contentLength: "99999999"]) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func invalidReloadKeepsServingAndValidReloadApplies() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let before = server.configStore.snapshot
        try server.edit("config/tenants/acme.yaml") { $0 + "typo_key: 1\n" }
        #expect(await server.reloader.reload(reason: "test") == false)
        #expect(server.configStore.snapshot === before)

        try server.edit("config/tenants/acme.yaml") { $0.replacingOccurrences(of: "typo_key: 1\n", with: "")
            .replacingOccurrences(of: "display_name: Acme Corporation", with: "display_name: Acme Inc.") }
        #expect(await server.reloader.reload(reason: "test") == true)
        let after = server.configStore.snapshot
        #expect(after.generation == before.generation + 1)
        #expect(after.tenantsByID["acme"]?.config.displayName == "Acme Inc.")
        #expect(after.contentHash != before.contentHash)
    }

    /// Requests in flight during 100 reloads all succeed, and each sees one whole snapshot: the JWKS
    /// always equals one of the two complete key sets, never a mixture.
    @Test func hundredReloadsUnderLoad() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let acme = "config/tenants/acme.yaml"
        let withES256 = try String(contentsOf: server.directory.appendingPathComponent(acme), encoding: .utf8)
        let withoutES256 = withES256.replacingOccurrences(of: """
              - kid: acme-es256-2026
                algorithm: ES256
                secret: acme-signing-es256
                status: published

            """, with: "")
        #expect(withoutES256 != withES256)
        let variants: Set<[String]> = [["acme-rs256-2026", "acme-es256-2026"], ["acme-rs256-2026"]]

        try await server.application().test(.live) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var seen = 0
                        for _ in 0..<150 {
                            try await client.execute(uri: "/acme/.well-known/jwks.json", method: .get) { response in
                                #expect(response.status == .ok)
                                let document = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
                                guard case .array(let keys)? = document["keys"] else { Issue.record("no keys"); return }
                                let kids = keys.compactMap { $0["kid"]?.stringValue }
                                #expect(variants.contains(kids), "mixed snapshot: \(kids)")
                            }
                            seen += 1
                        }
                        return seen
                    }
                }
                for index in 0..<100 {
                    try (index % 2 == 0 ? withoutES256 : withES256)
                        .write(to: server.directory.appendingPathComponent(acme), atomically: true, encoding: .utf8)
                    #expect(await server.reloader.reload(reason: "load test") == true)
                }
                var total = 0
                for try await count in group { total += count }
                #expect(total == 600)
            }
        }
        #expect(server.configStore.snapshot.generation == 101)
    }
}
