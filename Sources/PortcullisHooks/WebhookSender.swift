import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What came back from one POST.
public enum WebhookResponse: Sendable, Equatable {
    case status(Int)
    /// No HTTP answer: refused, reset, timed out, TLS failed. The text is for the delivery record.
    case failure(String)
}

/// Posts a delivery. The worker takes any sender, so tests can watch what it sends.
public protocol WebhookSending: Sendable {
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse
}

/// The real sender: async-http-client with pooled keep-alive connections, no redirects (a receiver
/// that moved must be reconfigured, not followed to wherever it points), and the body of the answer
/// read and dropped (bounded) so the connection can be reused.
public final class HTTPWebhookSender: WebhookSending {
    let client: HTTPClient

    public init() {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        // A receiver that refuses connections fails the attempt at once: webhooks have their own
        // retries with backoff, and a hook's caller must not wait out its timeout for a refusal.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> WebhookResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .status(Int(response.status.code))
        } catch {
            return .failure(Self.describe(error))
        }
    }

    /// Stops the connection pool; the lifecycle calls it at shutdown.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// A short reason without the request (which could carry a URL with credentials).
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout { return "timed out" }
            if client == .remoteConnectionClosed { return "connection closed by the receiver" }
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "connect timed out" }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return String(text.prefix(200))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// What a blocking hook's endpoint answered: its status and (bounded) body.
public enum HookHTTPResult: Sendable, Equatable {
    case response(status: Int, body: [UInt8])
    case failure(String)
}

/// Posts a hook call and reads the answer; the hook runner takes any, so tests can answer for a hook.
public protocol HookTransport: Sendable {
    func exchange(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> HookHTTPResult
}

extension HTTPWebhookSender: HookTransport {
    /// The largest hook answer read: claims and metadata, never documents.
    public static let maximumHookAnswer = 64 * 1024

    public func exchange(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async -> HookHTTPResult {
        let client = self.client
        do {
            // The deadline covers the answer's body too: a hook that sends its head and then
            // stalls must not hold the login past its timeout.
            return try await withThrowingTaskGroup(of: HookHTTPResult.self) { group in
                group.addTask {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    for (name, value) in headers { request.headers.add(name: name, value: value) }
                    request.body = .bytes(ByteBuffer(bytes: body))
                    let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                    var answer = try await response.body.collect(upTo: Self.maximumHookAnswer)
                    return .response(status: Int(response.status.code), body: answer.readBytes(length: answer.readableBytes) ?? [])
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .failure("timed out")
                }
                let first = try await group.next() ?? .failure("timed out")
                group.cancelAll()
                return first
            }
        } catch let error as NIOTooManyBytesError {
            return .failure("the answer is larger than \(Self.maximumHookAnswer / 1024) KiB: \(error)")
        } catch {
            return .failure(Self.describe(error))
        }
    }
}
