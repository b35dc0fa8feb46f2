import Foundation
import Testing
@testable import PortcullisEmail

@Suite struct SMTPClientTests {
    @Test func deliversAMessageThroughTheWholeConversation() async throws {
        let script = FakeSMTPScript(
            greeting: ["220-fake.test ESMTP", "220-this greeting", "220 spans three lines"],
            respond: { command, _ in command == "." ? .reply(["250-2.0.0 accepted", "250 2.0.0 queued as X1"]) : nil })
        let sessions = try await FakeSMTPServer.with(script) { server in
            try await SMTPClient(settings: Fixtures.settings(port: server.port))
                .send(Fixtures.message(text: "line one\n.\nline three"))
            return server.recorder.sessions
        }
        let session = try #require(sessions.first)
        #expect(session.commands == [
            "EHLO portcullis.test", "MAIL FROM:<login@acme.test>", "RCPT TO:<alice@example.com>", "DATA", "QUIT",
        ])
        let body = try #require(session.messages.first)
        #expect(body.contains("Subject: Verify your email"))
        #expect(body.suffix(3) == ["line one", "..", "line three"])
    }

    @Test func everyRecipientIsSentInTheEnvelope() async throws {
        let commands = try await FakeSMTPServer.with { server in
            let message = Fixtures.message(to: [Fixtures.address("a@x.test"), Fixtures.address("b@y.test")])
            try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(message)
            return server.recorder.sessions[0].commands
        }
        #expect(commands.filter { $0.hasPrefix("RCPT") } == ["RCPT TO:<a@x.test>", "RCPT TO:<b@y.test>"])
    }

    @Test func fallsBackToHELOWhenEHLOIsUnknown() async throws {
        let script = FakeSMTPScript(respond: { command, _ in
            command.hasPrefix("EHLO") ? .reply(["500 5.5.1 command unrecognized"]) : nil
        })
        let commands = try await FakeSMTPServer.with(script) { server in
            try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(Fixtures.message())
            return server.recorder.sessions[0].commands
        }
        #expect(commands.prefix(3) == ["EHLO portcullis.test", "HELO portcullis.test", "MAIL FROM:<login@acme.test>"])
    }

    @Test func transientRejectionIsReportedWithTheServersReply() async throws {
        let script = FakeSMTPScript(respond: { command, _ in
            command.hasPrefix("RCPT") ? .reply(["451-4.7.1 greylisted,", "451 4.7.1 try again later"]) : nil
        })
        let error = try await FakeSMTPServer.with(script) { server in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(Fixtures.message())
            }
        }
        let smtpError = try #require(error)
        #expect(smtpError.stage == .recipient)
        #expect(smtpError.reply == SMTPReply(code: 451, lines: ["4.7.1 greylisted,", "4.7.1 try again later"]))
        #expect(!smtpError.isPermanent)
        #expect(smtpError.description == "SMTP recipient: server replied 451 4.7.1 greylisted, 4.7.1 try again later")
    }

    @Test func permanentRejectionIsPermanent() async throws {
        let script = FakeSMTPScript(respond: { command, _ in
            command.hasPrefix("MAIL") ? .reply(["550 5.7.1 sender not allowed"]) : nil
        })
        let error = try await FakeSMTPServer.with(script) { server in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(Fixtures.message())
            }
        }
        #expect(error?.stage == .mailFrom)
        #expect(error?.reply?.code == 550)
        #expect(error?.isPermanent == true)
    }

    @Test func aSilentServerTimesOut() async throws {
        let script = FakeSMTPScript(respond: { command, _ in command == "." ? .silence : nil })
        let (error, elapsed) = try await FakeSMTPServer.with(script) { server in
            var settings = Fixtures.settings(port: server.port)
            settings.dataTimeout = .milliseconds(300)
            let started = ContinuousClock.now
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: settings).send(Fixtures.message())
            }
            return (error, ContinuousClock.now - started)
        }
        #expect(error == SMTPError(stage: .message, reason: .timedOut))
        // The default data timeout is 120 s; ending well within that proves the 300 ms setting was
        // used. The bound is loose on purpose: the suites run in parallel on two cores.
        #expect(elapsed < .seconds(60))
    }

    @Test func aServerThatNeverGreetsTimesOut() async throws {
        let script = FakeSMTPScript(greeting: [])
        let error = try await FakeSMTPServer.with(script) { server in
            var settings = Fixtures.settings(port: server.port)
            settings.commandTimeout = .milliseconds(200)
            return await #expect(throws: SMTPError.self) { try await SMTPClient(settings: settings).send(Fixtures.message()) }
        }
        #expect(error == SMTPError(stage: .greeting, reason: .timedOut))
    }

    @Test func aRefusedConnectionIsTransient() async throws {
        let port = try await FakeSMTPServer.with { $0.port }  // closed again by now
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(settings: Fixtures.settings(port: port)).send(Fixtures.message())
        }
        #expect(error?.stage == .connect)
        #expect(error?.isPermanent == false)
    }

    @Test func garbageFromTheServerIsAMalformedReply() async throws {
        let script = FakeSMTPScript(greeting: ["HTTP/1.1 400 Bad Request"])
        let error = try await FakeSMTPServer.with(script) { server in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(Fixtures.message())
            }
        }
        #expect(error == SMTPError(stage: .greeting, reason: .malformedReply("not an SMTP reply line")))
    }

    @Test func aRejectedGreetingStops() async throws {
        let script = FakeSMTPScript(greeting: ["554 5.3.2 no service for you"])
        let error = try await FakeSMTPServer.with(script) { server in
            await #expect(throws: SMTPError.self) {
                try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(Fixtures.message())
            }
        }
        #expect(error?.stage == .greeting)
        #expect(error?.isPermanent == true)
    }

    @Test func aQuitFailureDoesNotFailAnAcceptedMessage() async throws {
        let script = FakeSMTPScript(respond: { command, _ in command == "QUIT" ? .silence : nil })
        try await FakeSMTPServer.with(script) { server in
            try await SMTPClient(settings: Fixtures.settings(port: server.port)).send(Fixtures.message())
        }
    }
}
