import PortcullisCore

/// Why an account change was refused; each front end words it in its own shape (a form message,
/// an Auth0 error body, a CLI line).
public enum AccountFailure: Error, Equatable, Sendable {
    case invalidEmail
    case passwordRejected(PasswordPolicyCheck.Problem)
    /// A `password_hash` that is neither argon2id nor bcrypt.
    case unsupportedPasswordHash
    /// Another user of the connection has this email or username.
    case duplicate
    /// The connection does not keep passwords, or the user has none to change.
    case passwordNotAllowed
    /// The user changed under every retry (a very busy record); try again.
    case contended
    /// The two users cannot be linked, for the reason given (already linked, the same user…).
    case cannotLink(String)
    /// A `pre_user_registration`, `pre_user_update` or `pre_user_deletion` hook said no, with
    /// the message it gave for the person (or none, when it failed and `on_failure` denies).
    case deniedByHook(HookDenial)
}
