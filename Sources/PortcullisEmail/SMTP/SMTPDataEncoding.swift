/// The bytes sent after `DATA` (RFC 5321 §4.5.2): the message with CRLF line endings, every line that
/// starts with "." given one more ".", and the terminating `CRLF . CRLF`.
///
/// Without dot-stuffing a body line consisting of "." would end the message early and let the rest
/// be read as SMTP commands.
enum SMTPDataEncoding {
    static func encode(_ message: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.utf8.count + 64)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in message.utf8 {
            if byte == UInt8(ascii: "\n") {
                // A bare LF becomes CRLF; a bare CR is left for the next branch to complete.
                if previous != UInt8(ascii: "\r") { output.append(UInt8(ascii: "\r")) }
                output.append(byte)
                atLineStart = true
            } else {
                if previous == UInt8(ascii: "\r") && byte != UInt8(ascii: "\n") {
                    output.append(UInt8(ascii: "\n"))
                    atLineStart = true
                }
                if atLineStart && byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
                output.append(byte)
                atLineStart = false
            }
            previous = byte
        }
        if previous == UInt8(ascii: "\r") {
            output.append(UInt8(ascii: "\n"))
        } else if !atLineStart {
            output += Array("\r\n".utf8)
        }
        output += Array(".\r\n".utf8)
        return output
    }
}
