import Foundation
import Testing
@testable import PortcullisEmail

@Suite struct BodyEncodingTests {
    @Test func quotedPrintableEscapesWhatItMust() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("Grüße") == "Gr=C3=BC=C3=9Fe")
        #expect(QuotedPrintable.encode("trailing \nnext") == "trailing=20\r\nnext")
        #expect(QuotedPrintable.encode("tab\t") == "tab=09")
        #expect(QuotedPrintable.encode("one\r\ntwo\rthree") == "one\r\ntwo\r\nthree")
    }

    @Test func quotedPrintableWrapsLongLinesWithoutSplittingEscapes() {
        let text = String(repeating: "ü", count: 60) + String(repeating: "x", count: 100)
        let encoded = QuotedPrintable.encode(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.count > 2)
        for line in lines {
            #expect(line.count <= 76)
            // A soft break never lands inside "=XX".
            #expect(!line.dropLast().hasSuffix("="), "escape split in \(line)")
        }
        #expect(Self.decode(encoded) == text)
    }

    @Test func encodedWordsNeverSplitACodePoint() {
        let text = String(repeating: "€", count: 40)  // 3 bytes each, 120 bytes in all
        let encoded = EncodedWord.encode(text)
        for word in encoded.components(separatedBy: "\r\n ") {
            #expect(word.count <= 75)
            let payload = try! #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            #expect(String(data: payload, encoding: .utf8) != nil)
        }
        #expect(Fixtures.decodeEncodedWords(encoded) == text)
    }

    @Test func dotStuffingDoublesLeadingDotsAndTerminates() {
        let encoded = String(decoding: SMTPDataEncoding.encode("a\r\n.\r\n..b\r\nc.d\r\n"), as: UTF8.self)
        #expect(encoded == "a\r\n..\r\n...b\r\nc.d\r\n.\r\n")
    }

    @Test func dotStuffingNormalizesBareLineBreaks() {
        let encoded = String(decoding: SMTPDataEncoding.encode(".a\nb\r.c"), as: UTF8.self)
        #expect(encoded == "..a\r\nb\r\n..c\r\n.\r\n")
    }

    @Test func renderedMessageWithADotLineIsStuffed() {
        let message = Fixtures.message(text: "before\n.\nafter")
        let encoded = String(decoding: SMTPDataEncoding.encode(message.rendered()), as: UTF8.self)
        #expect(encoded.contains("\r\nbefore\r\n..\r\nafter\r\n.\r\n"))
    }

    @Test func replyLinesParse() {
        #expect(SMTPReplyLine.parse("250-PIPELINING") == SMTPReplyLine(code: 250, continues: true, text: "PIPELINING"))
        #expect(SMTPReplyLine.parse("550 5.1.1 no such user") == SMTPReplyLine(code: 550, continues: false, text: "5.1.1 no such user"))
        #expect(SMTPReplyLine.parse("354") == SMTPReplyLine(code: 354, continues: false, text: ""))
        #expect(SMTPReplyLine.parse("HTTP/1.1 400") == nil)
        #expect(SMTPReplyLine.parse("25") == nil)
        #expect(SMTPReplyLine.parse("250_x") == nil)
        #expect(SMTPReplyLine.parse("650 nope") == nil)
    }

    @Test func addressesInServerRepliesAreMaskedForLogs() {
        #expect(AddressRedaction.redact("550 5.1.1 <alice.smith+x@example.com>: rejected")
            == "550 5.1.1 <…@example.com>: rejected")
        #expect(AddressRedaction.redact("no address here") == "no address here")
    }

    private static func decode(_ qp: String) -> String {
        let joined = qp.replacingOccurrences(of: "=\r\n", with: "")
        var bytes: [UInt8] = []
        let utf8 = Array(joined.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "=") {
                bytes.append(UInt8(String(decoding: utf8[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)!)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
