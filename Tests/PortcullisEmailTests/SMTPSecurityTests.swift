import Foundation
import Testing
@testable import PortcullisEmail

@Suite struct SMTPSecurityTests {
    static let authEHLO = ["250-fake.test", "250-AUTH PLAIN LOGIN", "250 8BITMIME"]

    @Test func startTLSIsRequiredWhenConfigured() async throws {
        let (error, commands) = try await FakeSMTPServer.with { server in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Fixtures.settings(port: server.port, security: .startTLS))
                    .send(Fixtures.message())
            }
            return (error, server.recorder.sessions[0].commands)
        }
        #expect(error == SMTPError(stage: .startTLS, reason: .startTLSNotOffered))
        #expect(error?.isPermanent == true)
        #expect(commands == ["EHLO portcullis.test"])  // nothing sent in the clear after that
    }

    @Test func aFailedTLSHandshakeStopsTheConversation() async throws {
        // The server says "go ahead" and then speaks plaintext to the ClientHello.
        let script = FakeSMTPScript(
            ehlo: ["250-fake.test", "250 STARTTLS"],
            respond: { command, _ in command == "STARTTLS" ? .replyThenGarbage(["220 go ahead"]) : nil })
        let (error, commands) = try await FakeSMTPServer.with(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Self.startTLSAuthSettings(port: server.port)).send(Fixtures.message())
            }
            return (error, server.recorder.sessions[0].commands)
        }
        #expect(error?.stage == .hello)
        guard case .tlsFailed = error?.reason else {
            Issue.record("expected a TLS failure, got \(String(describing: error))")
            return
        }
        #expect(commands.prefix(2) == ["EHLO portcullis.test", "STARTTLS"])
        #expect(!commands.contains { $0.hasPrefix("AUTH") || $0.hasPrefix("MAIL") })
    }

    @Test func plaintextInjectedAfterTheStartTLSReplyIsRefused() async throws {
        // A man in the middle appends a fake EHLO reply to the 220; it must not be taken as coming
        // from inside TLS.
        let script = FakeSMTPScript(
            ehlo: ["250-fake.test", "250 STARTTLS"],
            respond: { command, _ in
                command == "STARTTLS" ? .reply(["220 go ahead", "250-injected", "250 AUTH PLAIN"]) : nil
            })
        let (error, commands) = try await FakeSMTPServer.with(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Self.startTLSAuthSettings(port: server.port)).send(Fixtures.message())
            }
            return (error, server.recorder.sessions[0].commands)
        }
        #expect(error?.reason == .malformedReply("plaintext data after the STARTTLS reply"))
        #expect(commands == ["EHLO portcullis.test", "STARTTLS"])
    }

    @Test func credentialsAreNeverSentWithoutTLS() async throws {
        let connections = try await FakeSMTPServer.with(FakeSMTPScript(ehlo: Self.authEHLO)) { server in
            var settings = Fixtures.settings(port: server.port)
            settings.username = "mailer"
            settings.password = "s3cret-password"
            let error = await #expect(throws: SMTPError.self) { try await SMTPClient(settings: settings).send(Fixtures.message()) }
            #expect(error == SMTPError(stage: .connect, reason: .authenticationRequiresTLS))
            return server.recorder.sessions.count
        }
        #expect(connections == 0)
    }

    @Test func authPlainOnLoopbackWhenExplicitlyAllowed() async throws {
        let commands = try await FakeSMTPServer.with(FakeSMTPScript(ehlo: Self.authEHLO, respond: { command, _ in
            command.hasPrefix("AUTH") ? .reply(["235 2.7.0 authenticated"]) : nil
        })) { server in
            try await SMTPClient(settings: Self.loopbackAuthSettings(port: server.port)).send(Fixtures.message())
            return server.recorder.sessions[0].commands
        }
        let token = Data("\0mailer\0s3cret-password".utf8).base64EncodedString()
        #expect(commands[1] == "AUTH PLAIN \(token)")
        #expect(commands[2] == "MAIL FROM:<login@acme.test>")
    }

    @Test func authLoginWhenOnlyLoginIsOffered() async throws {
        let script = FakeSMTPScript(ehlo: ["250-fake.test", "250 AUTH=LOGIN"], respond: { command, _ in
            switch command {
            case "AUTH LOGIN": .reply(["334 VXNlcm5hbWU6"])
            case Data("mailer".utf8).base64EncodedString(): .reply(["334 UGFzc3dvcmQ6"])
            case Data("s3cret-password".utf8).base64EncodedString(): .reply(["235 ok"])
            default: nil
            }
        })
        let commands = try await FakeSMTPServer.with(script) { server in
            try await SMTPClient(settings: Self.loopbackAuthSettings(port: server.port)).send(Fixtures.message())
            return server.recorder.sessions[0].commands
        }
        #expect(commands[1] == "AUTH LOGIN")
        #expect(commands[4] == "MAIL FROM:<login@acme.test>")
    }

    @Test func aFailedLoginNamesTheReplyButNotThePassword() async throws {
        let script = FakeSMTPScript(ehlo: Self.authEHLO, respond: { command, _ in
            command.hasPrefix("AUTH") ? .reply(["535 5.7.8 authentication credentials invalid"]) : nil
        })
        let error = try await FakeSMTPServer.with(script) { server in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Self.loopbackAuthSettings(port: server.port)).send(Fixtures.message())
            }
        }
        let description = try #require(error?.description)
        #expect(description == "SMTP authentication: server replied 535 5.7.8 authentication credentials invalid")
        #expect(!description.contains("s3cret"))
        #expect(error?.isPermanent == true)
    }

    @Test func credentialsWithoutAnOfferedMechanismFail() async throws {
        let error = try await FakeSMTPServer.with { server in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Self.loopbackAuthSettings(port: server.port)).send(Fixtures.message())
            }
        }
        #expect(error == SMTPError(stage: .authentication, reason: .authenticationNotOffered))
    }

    @Test func settingsNeverPrintThePassword() {
        var settings = Self.loopbackAuthSettings(port: 587)
        settings.security = .startTLS
        for text in [String(describing: settings), String(reflecting: settings), "\(settings)"] {
            #expect(!text.contains("s3cret"))
            #expect(text.contains("<redacted>"))
        }
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!dumped.contains("s3cret"))
    }

    @Test func aMissingCABundleFailsAtStartup() {
        var settings = Fixtures.settings(port: 465, security: .implicitTLS)
        settings.caBundlePath = "/nonexistent/ca.pem"
        #expect(throws: SMTPError.self) { try SMTPClient(settings: settings) }
    }

    @Test(arguments: [("localhost", true), ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("[::1]", true),
                      ("mail.example.com", false), ("10.0.0.1", false), ("127.example.com", false)])
    func loopbackDetection(host: String, loopback: Bool) {
        var settings = Fixtures.settings(port: 25)
        settings.host = host
        #expect(settings.hostIsLoopback == loopback)
    }

    @Test func defaultPortsFollowTheSecurityMode() {
        let from = Fixtures.address("a@b.test")
        #expect(EmailSettings(host: "h", security: .startTLS, from: from).port == 587)
        #expect(EmailSettings(host: "h", security: .implicitTLS, from: from).port == 465)
        #expect(EmailSettings(host: "h", security: .plaintext, from: from).port == 25)
        #expect(EmailSettings(host: "h", port: 2525, from: from).port == 2525)
    }

    private static func startTLSAuthSettings(port: Int) -> EmailSettings {
        var settings = Fixtures.settings(port: port, security: .startTLS)
        settings.username = "mailer"
        settings.password = "s3cret-password"
        return settings
    }

    private static func loopbackAuthSettings(port: Int) -> EmailSettings {
        var settings = Fixtures.settings(port: port)
        settings.username = "mailer"
        settings.password = "s3cret-password"
        settings.allowPlaintextAuthOnLoopback = true
        return settings
    }
}
