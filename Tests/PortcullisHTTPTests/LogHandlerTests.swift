import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PortcullisHTTP
import Synchronization
import Testing

/// Collects the lines a handler writes.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    var output: LogOutput { LogOutput { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("Log handlers and request log metadata")
struct LogHandlerTests {
    @Test func textLinesRenderMetadataByPrecedence() {
        let captured = CapturedLog()
        let provider = Logger.MetadataProvider { ["request_id": "from-provider", "shared": "provider"] }
        var logger = Logger(label: "portcullis.test") { label in
            PortcullisLogHandler(label: label, format: .text, metadataProvider: provider, output: captured.output)
        }
        logger[metadataKey: "shared"] = "logger"
        logger[metadataKey: "own"] = "kept"
        logger.warning("something happened", metadata: ["shared": "call"])
        logger.debug("below the level")
        let lines = captured.all
        #expect(lines.count == 1)
        let line = lines.first ?? ""
        #expect(line.hasSuffix(" warning portcullis.test: own=kept request_id=from-provider shared=call [PortcullisHTTPTests] something happened\n"))
        let time = String(line.prefix { $0 != " " })
        #expect(time.count == 24 && time.hasSuffix("Z"), "starts with the UTC time: \(time)")
        #expect((try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time)) != nil)
    }

    @Test func jsonLinesCarryTheSameMetadata() throws {
        let captured = CapturedLog()
        let logger = Logger(label: "portcullis.test") { label in
            PortcullisLogHandler(label: label, format: .json, metadataProvider: RequestLogMetadata.provider,
                                 output: captured.output)
        }
        RequestLogMetadata.$current.withValue(.init(requestID: "req-1", tenant: "acme")) {
            logger.error("failed", metadata: ["error": "boom"])
        }
        let line = try #require(captured.all.first)
        #expect(line.hasSuffix("}\n"))
        let object = try JSONDecoder().decode([String: String].self, from: Data(line.utf8))
        #expect(object["request_id"] == "req-1")
        #expect(object["tenant"] == "acme")
        #expect(object["error"] == "boom")
        #expect(object["level"] == "error")
        #expect(object["label"] == "portcullis.test")
        #expect(object["message"] == "failed")
        #expect(object["time"]?.hasSuffix("Z") == true)
    }

    @Test func requestLinesCarryTheRequestIDAndTenant() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let captured = CapturedLog()
        var logger = Logger(label: "portcullis") { label in
            PortcullisLogHandler(label: label, format: .text, metadataProvider: RequestLogMetadata.provider,
                                 output: captured.output)
        }
        logger.logLevel = .notice
        try await server.application(services: server.makeServices(), logger: logger).test(.router) { client in
            let response = try await client.execute(
                uri: "/acme/oauth/token", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Request-Id")!: "proxy-id-0001"],
                body: ByteBuffer(string: "grant_type=client_credentials&client_id=acme-worker&client_secret=wrong"))
            #expect(response.status == .unauthorized)
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "proxy-id-0001")
        }
        let line = try #require(captured.all.first { $0.contains("client authentication failed") })
        #expect(line.contains(" request_id=proxy-id-0001 "))
        #expect(line.contains(" tenant=acme "))
        #expect(!line.contains("wrong"), "no secret in the log")
    }
}
