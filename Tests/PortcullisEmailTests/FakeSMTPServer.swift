import NIOCore
import NIOPosix
import Synchronization

/// What the fake server answers. `respond` sees each command line (or "." after a message body) and
/// the 1-based number of the connection; returning nil gives the standard answer.
struct FakeSMTPScript: Sendable {
    var greeting = ["220 fake.test ESMTP ready"]
    var ehlo = ["250-fake.test greets you", "250-8BITMIME", "250 SIZE 1000000"]
    var respond: @Sendable (_ command: String, _ connection: Int) -> FakeSMTPAction? = { _, _ in nil }
}

enum FakeSMTPAction: Sendable {
    /// Reply with these lines (each gets CRLF).
    case reply([String])
    /// Say nothing: a server that hangs.
    case silence
    /// Reply, then a moment later send bytes that are not TLS (a server that fails the handshake).
    case replyThenGarbage([String])
}

/// What the fake server saw, per connection.
final class FakeSMTPRecorder: Sendable {
    struct Session: Sendable {
        var commands: [String] = []
        /// Message bodies as received, still dot-stuffed.
        var messages: [[String]] = []
    }

    private let state = Mutex<[Session]>([])

    func open() -> Int { state.withLock { $0.append(Session()); return $0.count } }
    func command(_ line: String, on connection: Int) { state.withLock { $0[connection - 1].commands.append(line) } }
    func message(_ lines: [String], on connection: Int) { state.withLock { $0[connection - 1].messages.append(lines) } }
    var sessions: [Session] { state.withLock { $0 } }
}

/// A tiny SMTP server on 127.0.0.1 for testing the client's state machine.
struct FakeSMTPServer {
    let port: Int
    let recorder: FakeSMTPRecorder

    /// Starts a server, runs `body`, then stops the server.
    static func with<T: Sendable>(
        _ script: FakeSMTPScript = FakeSMTPScript(),
        _ body: @Sendable (FakeSMTPServer) async throws -> T
    ) async throws -> T {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let server = FakeSMTPServer(port: listener.channel.localAddress!.port!, recorder: FakeSMTPRecorder())
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await listener.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { sessions in
                        for try await connection in connections {
                            sessions.addTask { try? await server.serve(connection, script: script) }
                        }
                    }
                }
            }
            defer { group.cancelAll() }
            let result = try await body(server)
            return result
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, script: FakeSMTPScript) async throws {
        let number = recorder.open()
        try await connection.executeThenClose { inbound, outbound in
            func write(_ lines: [String]) async throws {
                try await outbound.write(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined()))
            }
            try await write(script.greeting)
            var body: [String]? = nil
            for try await line in LineSplitter(inbound) {
                if var lines = body {
                    if line == "." {
                        body = nil
                        recorder.message(lines, on: number)
                    } else {
                        lines.append(line)
                        body = lines
                        continue
                    }
                } else {
                    recorder.command(line, on: number)
                }
                let verb = line == "." ? "." : String(line.prefix(while: { $0 != " " && $0 != ":" })).uppercased()
                switch script.respond(line, number) ?? standard(verb, script: script) {
                case .reply(let lines):
                    try await write(lines)
                    if verb == "DATA", lines.first?.hasPrefix("354") == true { body = [] }
                    if verb == "QUIT" { return }
                case .silence:
                    continue
                case .replyThenGarbage(let lines):
                    try await write(lines)
                    try await Task.sleep(for: .milliseconds(100))
                    try await write(["HTTP/1.1 400 Bad Request", "", ""])
                }
            }
        }
    }

    private func standard(_ verb: String, script: FakeSMTPScript) -> FakeSMTPAction {
        switch verb {
        case "EHLO": .reply(script.ehlo)
        case "HELO", "MAIL", "RCPT", "RSET", "NOOP": .reply(["250 OK"])
        case "DATA": .reply(["354 end with <CRLF>.<CRLF>"])
        case ".": .reply(["250 2.0.0 queued as FAKE1"])
        case "QUIT": .reply(["221 bye"])
        default: .reply(["502 command not implemented"])
        }
    }
}

/// Splits an inbound byte stream into CRLF-terminated lines.
struct LineSplitter: AsyncSequence {
    typealias Element = String
    let inbound: NIOAsyncChannelInboundStream<ByteBuffer>

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) { self.inbound = inbound }

    struct AsyncIterator: AsyncIteratorProtocol {
        var source: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending: [UInt8] = []

        mutating func next() async throws -> String? {
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(pending[..<end])
                    pending.removeFirst(end + 1)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                guard let buffer = try await source.next() else { return nil }
                pending += buffer.readableBytesView
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: inbound.makeAsyncIterator()) }
}
