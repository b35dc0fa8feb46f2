/// A hook's "no": the message for the person (in their language when the hook gave one).
public struct HookDenial: Sendable, Equatable, Error {
    public var message: String?
    public var messages: [String: String]

    public init(message: String?, messages: [String: String] = [:]) {
        self.message = message
        self.messages = messages
    }

    /// The text in `locale` (or its primary language), else the default message.
    public func text(locale: String) -> String? {
        messages[locale] ?? messages[String(locale.prefix { $0 != "-" })] ?? message
    }
}
