import NIOCore
import NIOSSL
import Synchronization

/// Command/reply exchange on one connection, with a deadline on every step.
///
/// A deadline closes the channel from the event loop; the pending read then ends and is reported as
/// a timeout. Closing (rather than racing tasks) also guarantees a slow server never keeps a socket.
struct SMTPConversation {
    let channel: any Channel
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Reads one reply (the greeting, or a reply to something already sent).
    mutating func read(stage: SMTPError.Stage, timeout: Duration) async throws(SMTPError) -> SMTPReply {
        try await exchange(nil, stage: stage, timeout: timeout)
    }

    /// Sends one command line (CRLF added) and reads its reply.
    mutating func command(
        _ line: String, stage: SMTPError.Stage, timeout: Duration
    ) async throws(SMTPError) -> SMTPReply {
        try await exchange(Array((line + "\r\n").utf8), stage: stage, timeout: timeout)
    }

    /// Like `command`, but any code other than `expected` is an error carrying the server's reply.
    @discardableResult
    mutating func command(
        _ line: String, expecting expected: Int, stage: SMTPError.Stage, timeout: Duration
    ) async throws(SMTPError) -> SMTPReply {
        let reply = try await command(line, stage: stage, timeout: timeout)
        guard reply.code == expected else { throw SMTPError(stage: stage, reason: .rejected(reply)) }
        return reply
    }

    /// Sends raw bytes (the message body) and reads the reply.
    mutating func send(
        _ bytes: [UInt8], stage: SMTPError.Stage, timeout: Duration
    ) async throws(SMTPError) -> SMTPReply {
        try await exchange(bytes, stage: stage, timeout: timeout)
    }

    private mutating func exchange(
        _ bytes: [UInt8]?, stage: SMTPError.Stage, timeout: Duration
    ) async throws(SMTPError) -> SMTPReply {
        let expired = Deadline()
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            expired.fire()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            if let bytes { try await write(bytes) }
            if let reply = try await replies.next() { return reply }
            throw SMTPError(stage: stage, reason: expired.hasFired ? .timedOut : .connectionFailed("server closed the connection"))
        } catch let error as SMTPError {
            throw error
        } catch {
            throw Self.classify(error, stage: stage, timedOut: expired.hasFired)
        }
    }

    /// Writes `bytes`. When the pipeline has already failed (a TLS handshake the server broke, say),
    /// the write only learns "closed channel"; the reason travels on the inbound side, so it is read
    /// from there and reported instead.
    private mutating func write(_ bytes: [UInt8]) async throws {
        do {
            try await writer.write(ByteBuffer(bytes: bytes))
        } catch let writeError {
            _ = try await replies.next()
            throw writeError
        }
    }

    /// Maps NIO, NIOSSL and decoder errors to an `SMTPError`, keeping only their descriptions (they
    /// never contain what we sent).
    static func classify(_ error: any Error, stage: SMTPError.Stage, timedOut: Bool) -> SMTPError {
        if timedOut { return SMTPError(stage: stage, reason: .timedOut) }
        switch error {
        case is CancellationError: return SMTPError(stage: stage, reason: .cancelled)
        case let malformed as SMTPReplyDecoder.Malformed:
            return SMTPError(stage: stage, reason: .malformedReply(malformed.description))
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return SMTPError(stage: stage, reason: .tlsFailed(String(describing: error)))
        default:
            return SMTPError(stage: stage, reason: .connectionFailed(String(describing: error)))
        }
    }
}

/// Set from the event loop when a deadline passes, read by the waiting task afterwards.
private final class Deadline: Sendable {
    private let fired = Atomic<Bool>(false)
    func fire() { fired.store(true, ordering: .releasing) }
    var hasFired: Bool { fired.load(ordering: .acquiring) }
}
