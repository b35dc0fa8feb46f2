import NIOCore
import NIOPosix

/// Delivers one message per connection to an SMTP server (RFC 5321), written on SwiftNIO because no
/// SMTP client library is available to this project.
///
/// Sequence: connect (TLS first for implicit TLS) → greeting → EHLO (HELO if refused) → STARTTLS and
/// EHLO again (when configured) → AUTH (when credentials are set) → MAIL FROM → RCPT TO… → DATA →
/// QUIT. Every step has a deadline, so a slow server costs at most the configured timeouts.
public struct SMTPClient: Sendable {
    public let settings: EmailSettings
    private let tls: SMTPTLS?
    private let group: any EventLoopGroup

    /// Loads the TLS configuration once (it reads the CA roots from disk); a broken `caBundlePath`
    /// surfaces here, at startup, instead of at the first email.
    public init(settings: EmailSettings) throws(SMTPError) {
        self.settings = settings
        self.tls = settings.security == .plaintext ? nil : try SMTPTLS(settings: settings)
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    public func send(_ message: EmailMessage) async throws(SMTPError) {
        if settings.username != nil, settings.security == .plaintext,
            !(settings.allowPlaintextAuthOnLoopback && settings.hostIsLoopback)
        {
            throw SMTPError(stage: .connect, reason: .authenticationRequiresTLS)
        }
        let gate = StartTLSGate()
        let channel = try await connect(gate: gate)
        do {
            try await channel.executeThenClose { inbound, outbound in
                var conversation = SMTPConversation(
                    channel: channel.channel, replies: inbound.makeAsyncIterator(), writer: outbound)
                try await converse(&conversation, message: message, gate: gate)
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPConversation.classify(error, stage: .message, timedOut: false)
        }
    }

    private func connect(gate: StartTLSGate) async throws(SMTPError) -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let implicitTLS = settings.security == .implicitTLS ? tls : nil
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(settings.connectTimeout))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS { try implicitTLS.addHandler(to: channel.pipeline.syncOperations) }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder(gate: gate)))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPConversation.classify(error, stage: .connect, timedOut: false)
        }
    }

    private func converse(
        _ conversation: inout SMTPConversation, message: EmailMessage, gate: StartTLSGate
    ) async throws(SMTPError) {
        let timeout = settings.commandTimeout
        let greeting = try await conversation.read(stage: .greeting, timeout: timeout)
        guard greeting.code == 220 else { throw SMTPError(stage: .greeting, reason: .rejected(greeting)) }

        var extensions = try await hello(&conversation)
        if settings.security == .startTLS, let tls {
            guard extensions.supports("STARTTLS") else {
                throw SMTPError(stage: .startTLS, reason: .startTLSNotOffered)
            }
            gate.arm()
            try await conversation.command("STARTTLS", expecting: 220, stage: .startTLS, timeout: timeout)
            do {
                let channel = conversation.channel
                try await channel.eventLoop.submit {
                    try tls.addHandler(to: channel.pipeline.syncOperations)
                    gate.open()
                }.get()
            } catch {
                throw SMTPError(stage: .startTLS, reason: .tlsFailed(String(describing: error)))
            }
            // RFC 3207 §4.2: forget everything learned before TLS and ask again.
            extensions = try await hello(&conversation)
        }

        if let username = settings.username {
            guard let mechanism = SMTPAuthentication.choose(from: extensions) else {
                throw SMTPError(stage: .authentication, reason: .authenticationNotOffered)
            }
            try await mechanism.authenticate(
                username: username, password: settings.password ?? "", on: &conversation, timeout: timeout)
        }

        try await conversation.command(
            "MAIL FROM:<\(message.from.address)>", expecting: 250, stage: .mailFrom, timeout: timeout)
        for recipient in message.to {
            // 251 "user not local; will forward" is a success too.
            let reply = try await conversation.command("RCPT TO:<\(recipient.address)>", stage: .recipient, timeout: timeout)
            guard reply.code == 250 || reply.code == 251 else {
                throw SMTPError(stage: .recipient, reason: .rejected(reply))
            }
        }
        try await conversation.command("DATA", expecting: 354, stage: .data, timeout: timeout)
        let accepted = try await conversation.send(
            SMTPDataEncoding.encode(message.rendered()), stage: .message, timeout: settings.dataTimeout)
        guard accepted.code == 250 else { throw SMTPError(stage: .message, reason: .rejected(accepted)) }

        // The message is accepted; a server that fumbles QUIT must not turn that into a retry (and a
        // duplicate email).
        _ = try? await conversation.command("QUIT", stage: .message, timeout: .seconds(2))
    }

    /// EHLO, falling back to HELO (no extensions) for servers that do not know EHLO.
    private func hello(_ conversation: inout SMTPConversation) async throws(SMTPError) -> SMTPExtensions {
        let name = settings.heloName ?? settings.from.domain
        let reply = try await conversation.command("EHLO \(name)", stage: .hello, timeout: settings.commandTimeout)
        if reply.code == 250 { return SMTPExtensions(ehloReply: reply) }
        guard reply.isPermanentFailure else { throw SMTPError(stage: .hello, reason: .rejected(reply)) }
        try await conversation.command("HELO \(name)", expecting: 250, stage: .hello, timeout: settings.commandTimeout)
        return SMTPExtensions()
    }
}
