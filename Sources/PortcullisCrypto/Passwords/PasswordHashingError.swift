/// Why a password could not be hashed or checked. Descriptions never contain the password.
public enum PasswordHashingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every worker is busy and the wait queue is full. The HTTP layer answers 503 with
    /// `Retry-After`: failing fast beats letting requests pile up until they time out.
    case overloaded
    /// The configured argon2id parameters are unusable (see `Argon2idParameters.problem`).
    case invalidParameters(String)
    /// Argon2 refused or failed (for example the memory could not be allocated).
    case hashingFailed(String)

    public var description: String {
        switch self {
        case .overloaded: "password hashing is at capacity; try again shortly"
        case let .invalidParameters(problem): "invalid argon2id parameters: \(problem)"
        case let .hashingFailed(reason): "argon2id hashing failed: \(reason)"
        }
    }
}
