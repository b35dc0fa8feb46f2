import Synchronization

/// Closes the window between a server's `220` reply to STARTTLS and the start of TLS.
///
/// Anything the server (or an attacker on the path) sends after that reply but before the handshake
/// would otherwise be read as if it came over TLS: the classic STARTTLS command-injection flaw. The
/// reply decoder consults the gate: once armed, the first complete reply seals it, and any further
/// plaintext byte is an error until the TLS handler is in place and the gate is opened again.
final class StartTLSGate: Sendable {
    enum State { case open, armed, sealed }

    private let state = Mutex(State.open)

    /// Called before sending STARTTLS.
    func arm() { state.withLock { $0 = .armed } }

    /// Called on the event loop in the same step that installs the TLS handler.
    func open() { state.withLock { $0 = .open } }

    /// Called by the decoder after it produced a complete reply; returns true when the gate was armed.
    func replyDecoded() -> Bool {
        state.withLock { state in
            guard state == .armed else { return false }
            state = .sealed
            return true
        }
    }

    var isSealed: Bool { state.withLock { $0 == .sealed } }
}
