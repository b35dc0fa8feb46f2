import NIOCore

/// Turns the bytes a server sends into whole `SMTPReply` values, joining multi-line replies.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// Limits that keep a hostile or broken server from growing our buffers without bound. RFC 5321
    /// allows 512 bytes per reply line; real servers stay far below 100 lines (EHLO is the longest).
    static let maxLineLength = 2_048
    static let maxLines = 100

    struct Malformed: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    private var pending: [SMTPReplyLine] = []
    private let gate: StartTLSGate

    init(gate: StartTLSGate) {
        self.gate = gate
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !gate.isSealed || buffer.readableBytes == 0 else {
            throw Malformed(description: "plaintext data after the STARTTLS reply")
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLineLength { throw Malformed(description: "reply line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard length <= Self.maxLineLength else { throw Malformed(description: "reply line too long") }
        var raw = buffer.readString(length: length)!
        raw.removeLast()  // "\n"
        if raw.hasSuffix("\r") { raw.removeLast() }

        guard let line = SMTPReplyLine.parse(raw) else {
            throw Malformed(description: "not an SMTP reply line")
        }
        if let first = pending.first, first.code != line.code {
            throw Malformed(description: "reply code changed inside a multi-line reply")
        }
        pending.append(line)
        guard pending.count <= Self.maxLines else { throw Malformed(description: "reply has too many lines") }

        if !line.continues {
            let reply = SMTPReply(code: line.code, lines: pending.map(\.text))
            pending = []
            if gate.replyDecoded(), buffer.readableBytes > 0 {
                throw Malformed(description: "plaintext data after the STARTTLS reply")
            }
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
