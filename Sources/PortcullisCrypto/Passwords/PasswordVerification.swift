/// The outcome of checking a password against a stored hash.
public enum PasswordVerification: Sendable, Hashable {
    /// Wrong password, or a stored hash we cannot read (the caller logs the latter; see
    /// `PasswordHashFormat(encoded:)` to tell the two apart without the password).
    case invalid
    /// Right password. `needsRehash` asks the caller to store a fresh argon2id hash of the password
    /// it already holds: the stored hash used other parameters or was an imported bcrypt hash.
    case valid(needsRehash: Bool)

    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}
