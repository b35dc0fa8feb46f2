import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisEmail
import PortcullisStore
import PortcullisUI

/// Builds the outgoing mail path from `email` in portcullis.yaml.
public enum MailSetup {
    public static func make(_ config: EmailConfig, smtpPassword: String?, storage: any PortcullisStorage,
                            catalog: MessageCatalog, logger: Logger) throws -> (AccountMail, MailOutbox)? {
        let transport: any MailTransport
        switch config.transport {
        case .disabled:
            return nil
        case .directory:
            transport = DirectoryTransport(directory: config.directory)
            logger.warning("email.transport is directory: messages are written to \(config.directory), not sent")
        case .smtp:
            guard let smtp = config.smtp else { return nil }
            let security: EmailSettings.Security
            switch smtp.security {
            case .starttls: security = .startTLS
            case .tls: security = .implicitTLS
            case .none: security = .plaintext
            }
            let settings = EmailSettings(
                host: smtp.host, port: smtp.port, security: security, username: smtp.username, password: smtpPassword,
                from: try AccountMail.parseAddress(config.from), heloName: smtp.heloName,
                connectTimeout: smtp.timeout, commandTimeout: smtp.timeout)
            transport = try SMTPTransport(settings: settings)
        }
        let outbox = MailOutbox(transport: transport, logger: logger)
        return (try AccountMail(outbox: outbox, from: config.from, storage: storage, catalog: catalog), outbox)
    }
}
