import Foundation

/// Something that happened and must be traceable later (a login, a config reload, a key generated…).
public struct AuditEvent: Sendable, Hashable {
    /// Unique event ID, `evt_` followed by 24 random URL-safe characters (see ``makeID()``).
    public var id: String
    /// The tenant the event belongs to; `nil` for instance-wide events such as a config reload.
    public var tenantID: String?
    /// Dotted event type, e.g. `"signing_key.generated"`.
    public var type: String
    /// When it happened. Stores keep at least millisecond precision.
    public var occurredAt: Date
    /// Who caused it, as ``EventParty/text`` (`user:usr_…`, `client:…`, `operator:cli`, `system`), when known.
    public var actor: String?
    /// Extra facts about the event. Never put secrets here: audit events are shown to admins.
    public var details: [String: String]
    /// Whom it is about, as ``EventParty/text``, when known.
    public var subject: String?
    /// The request it came from: client address, user agent, request ID.
    public var ip: String?
    public var userAgent: String?
    public var requestID: String?

    /// Creates an event with a fresh random ID unless one is given.
    public init(
        id: String = AuditEvent.makeID(),
        tenantID: String?,
        type: String,
        occurredAt: Date = Date(),
        actor: String? = nil,
        details: [String: String] = [:],
        subject: String? = nil,
        ip: String? = nil,
        userAgent: String? = nil,
        requestID: String? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.type = type
        self.occurredAt = occurredAt
        self.actor = actor
        self.details = details
        self.subject = subject
        self.ip = ip
        self.userAgent = userAgent
        self.requestID = requestID
    }

    /// Returns a new event ID: `evt_` and 24 characters of the URL-safe base64 alphabet.
    ///
    /// 24 characters of 6 bits give 144 random bits, so IDs never collide in practice and reveal
    /// nothing about time or order. The alphabet has 64 symbols, so `random(in: 0..<64)` picks each
    /// one uniformly from the system's cryptographic generator.
    public static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<24).map { _ in
            urlSafeAlphabet[Int.random(in: 0..<urlSafeAlphabet.count, using: &generator)]
        }
        return "evt_" + String(suffix)
    }

    private static let urlSafeAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}
