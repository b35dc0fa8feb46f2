/// What kind of stored password hash a string is, read without any password. Callers use it to log
/// hashes we cannot verify (they always verify as `.invalid`) and the import CLI to reject bad lines.
public enum PasswordHashFormat: Sendable, Hashable {
    /// A PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash`: our own format.
    case argon2id(Argon2idParameters)
    /// An imported bcrypt hash (`$2a$`, `$2b$`, `$2y$`), upgraded to argon2id on the next login.
    case bcrypt(cost: Int)

    public init?(encoded: String) {
        if let argon2id = Argon2idEncodedHash(encoded) {
            self = .argon2id(argon2id.parameters)
        } else if let bcrypt = BcryptEncodedHash(encoded) {
            self = .bcrypt(cost: bcrypt.cost)
        } else {
            return nil
        }
    }
}
