import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import PortcullisEmail
import PortcullisHTTP
import PortcullisStore
import PortcullisUI
import Testing

/// Sign-up → verification email → link; forgot password → reset link → new password; lockout →
/// unlock link. Mail goes to a real directory transport and is read back from the files.
@Suite("Emailed links")
struct EmailLinkFlowTests {
    struct Mailbox {
        let directory: String

        /// Delivered messages only: the transport writes under a hidden temporary name first.
        var messages: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        }

        /// The newest message's link to `page`, with quoted-printable decoded.
        func link(to page: String) throws -> String {
            let text = try String(contentsOfFile: directory + "/" + (messages.last ?? ""), encoding: .utf8)
            let decoded = Self.decodeQuotedPrintable(text)
            let pattern = "/u/\(page)?token="
            guard let start = decoded.range(of: pattern) else { throw MailboxError.noLink(page) }
            let token = decoded[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            return "/acme/u/\(page)?token=\(token)"
        }

        var count: Int { messages.count }

        static func decodeQuotedPrintable(_ text: String) -> String {
            let joined = text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
            var bytes: [UInt8] = []
            var iterator = Array(joined.utf8).makeIterator()
            while let byte = iterator.next() {
                if byte == UInt8(ascii: "="), let high = iterator.next(), let low = iterator.next(),
                   let value = UInt8(String(bytes: [high, low], encoding: .ascii) ?? "", radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    enum MailboxError: Error { case noLink(String) }

    func services(_ server: TestServer) async throws -> (ServerServices, Mailbox) {
        let directory = server.directory.appendingPathComponent("mail").path
        let outbox = MailOutbox(transport: DirectoryTransport(directory: directory))
        let mail = try AccountMail(outbox: outbox, from: "Acme <no-reply@acme.test>", storage: server.storage,
                                   catalog: server.renderer.catalog)
        return (server.makeServices(mail: mail), Mailbox(directory: directory))
    }

    /// Waits for the outbox to write `count` messages: returns as soon as they are there, and gives a
    /// loaded two-core machine (every suite runs at once) up to 30 s.
    func waitFor(_ mailbox: Mailbox, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while mailbox.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(mailbox.count >= count)
    }

    @Test func signupVerificationAndPasswordReset() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let (ui, mailbox) = try await services(server)
        let flows = LoginFlowTests()
        try await server.application(services: ui).test(.router) { client in
            var browser = Browser()
            _ = try await flows.get(client, &browser, "/acme/u/signup")
            _ = try await flows.post(client, &browser, "/acme/u/signup",
                                     [("email", "erin@example.com"), ("password", "a-long-unusual-passphrase")])
            try await waitFor(mailbox, count: 1)
            let verify = try mailbox.link(to: "verify-email")
            #expect(try await flows.get(client, &browser, verify).status == .ok)
            #expect(try await flows.get(client, &browser, verify).status == .badRequest, "links work once")
            let user = try #require(try await server.storage.user(tenantID: "acme", connection: "Username-Password-Authentication",
                                                                  email: "erin@example.com"))
            #expect(user.emailVerified)

            _ = try await flows.get(client, &browser, "/acme/u/forgot-password")
            let unknown = try await flows.post(client, &browser, "/acme/u/forgot-password", [("email", "nobody@example.com")])
            let known = try await flows.post(client, &browser, "/acme/u/forgot-password", [("email", "erin@example.com")])
            #expect(unknown.status == known.status)
            #expect(String(buffer: unknown.body).contains("If an account exists"))
            try await waitFor(mailbox, count: 2)
            let reset = try mailbox.link(to: "reset-password")
            let token = String(reset.split(separator: "=").last ?? "")
            _ = try await flows.get(client, &browser, reset)
            let done = try await flows.post(client, &browser, "/acme/u/reset-password",
                                            [("token", token), ("password", "a-brand-new-passphrase")])
            #expect(done.status == .ok)
            let again = try await flows.post(client, &browser, "/acme/u/reset-password",
                                             [("token", token), ("password", "yet-another-passphrase")])
            #expect(again.status == .badRequest)
            let login = try await flows.post(client, &browser, "/acme/u/login",
                                             [("username", "erin@example.com"), ("password", "a-brand-new-passphrase")])
            #expect(login.status == .ok)
        }
    }

    @Test func lockoutSendsAnUnlockLink() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let (ui, mailbox) = try await services(server)
        let flows = LoginFlowTests()
        _ = try await flows.createUser(server, email: "frank@example.com")
        try await server.application(services: ui).test(.router) { client in
            var browser = Browser()
            _ = try await flows.get(client, &browser, "/acme/u/login")
            for _ in 0..<5 {
                _ = try await flows.post(client, &browser, "/acme/u/login", [("username", "frank@example.com"), ("password", "nope-nope")])
            }
            try await waitFor(mailbox, count: 1)
            let locked = try await flows.post(client, &browser, "/acme/u/login",
                                              [("username", "frank@example.com"), ("password", LoginFlowTests.password)])
            #expect(locked.status == .unauthorized)
            #expect(try await flows.get(client, &browser, try mailbox.link(to: "unlock")).status == .ok)
            let unlocked = try await flows.post(client, &browser, "/acme/u/login",
                                                [("username", "frank@example.com"), ("password", LoginFlowTests.password)])
            #expect(unlocked.status == .ok)
        }
    }
}
