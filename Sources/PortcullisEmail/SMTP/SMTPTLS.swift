import NIOCore
import NIOSSL

/// TLS for SMTP connections: certificates are verified against the system's roots (plus an optional
/// CA bundle) and the host name. There is no option to skip verification: a relay with a private CA
/// is served by `caBundlePath` instead.
struct SMTPTLS: Sendable {
    let context: NIOSSLContext
    let serverHostname: String?

    init(settings: EmailSettings) throws(SMTPError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        if let bundle = settings.caBundlePath {
            configuration.additionalTrustRoots = [.file(bundle)]
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPError(stage: .connect, reason: .tlsFailed("cannot load TLS configuration: \(error)"))
        }
        // SNI must not carry an IP address; NIOSSL then checks the certificate against the peer's IP.
        let isIPAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
        serverHostname = isIPAddress ? nil : settings.host
    }

    /// Adds the TLS handler in front of the SMTP decoder; called on the channel's event loop.
    func addHandler(to pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverHostname), position: .first)
    }
}
