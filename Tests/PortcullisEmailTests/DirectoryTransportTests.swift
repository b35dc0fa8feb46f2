import Foundation
import Testing
@testable import PortcullisEmail

@Suite struct DirectoryTransportTests {
    @Test func writesEachMessageAsAnOwnerOnlyEmlFile() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("portcullis-mail-\(UUID().uuidString)/outbox").path
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let transport = DirectoryTransport(directory: directory)

        let first = Fixtures.message(subject: "first")
        let second = try EmailMessage(
            from: Fixtures.address("a@b.test"), to: [Fixtures.address("c@d.test")], subject: "second", textBody: "x")
        try await transport.deliver(first)
        try await transport.deliver(second)

        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names.count == 2)  // no temporary files left behind
        #expect(names[0].hasSuffix("-\(first.id).eml"))
        #expect(names[1].hasSuffix("-\(second.id).eml"))
        #expect(names[0].range(of: #"^\d{8}T\d{6}\.\d{3}Z-"#, options: .regularExpression) != nil)

        let path = (directory as NSString).appendingPathComponent(names[0])
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents.contains("Subject: first\r\n"))
        #expect(contents.contains("Message-ID: <\(first.id)@acme.test>"))
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func fileNamesSortByTime() throws {
        let message = Fixtures.message()
        let early = DirectoryTransport.fileName(for: message, at: Date(timeIntervalSince1970: 1_736_240_703.25))
        let late = DirectoryTransport.fileName(for: message, at: Date(timeIntervalSince1970: 1_736_240_703.5))
        #expect(early == "20250107T090503.250Z-testmessage01.eml")
        #expect(early < late)
    }

    @Test func anUnwritableDirectoryIsATransientError() async throws {
        let transport = DirectoryTransport(directory: "/proc/portcullis-cannot-write-here")
        await #expect(throws: (any Error).self) { try await transport.deliver(Fixtures.message()) }
    }
}
