/// Why the outbox refused a message. The message was not queued; the caller decides what to tell the
/// user and should log the error.
public enum MailOutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The queue holds `capacity` messages already (the mail server has been unreachable for a while,
    /// or someone is triggering emails in bulk).
    case queueFull(capacity: Int)
    /// `drain` was called; the server is shutting down.
    case shuttingDown

    public var description: String {
        switch self {
        case .queueFull(let capacity): "email outbox is full (\(capacity) messages waiting)"
        case .shuttingDown: "email outbox is shutting down"
        }
    }
}
