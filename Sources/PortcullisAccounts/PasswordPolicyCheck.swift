import Foundation
import PortcullisCore

/// Checks a new password against the connection's policy (NIST SP 800-63B style: length and a
/// list of common passwords, no composition rules). Returns the message key of the first problem.
public struct PasswordPolicyCheck: Sendable {
    public static var commonPasswords: Set<String> { CommonPasswords.list }

    public enum Problem: Sendable, Equatable {
        case tooShort(minimum: Int)
        case common
        case equalsEmail

        /// For command-line tools, which have no locale.
        public var explanation: String {
            switch self {
            case .tooShort(let minimum): return "shorter than \(minimum) characters"
            case .common: return "one of the most common passwords"
            case .equalsEmail: return "equal to the email address"
            }
        }

        public var messageKey: String {
            switch self {
            case .tooShort: return "error_password_short"
            case .common: return "error_password_common"
            case .equalsEmail: return "error_password_email"
            }
        }
    }

    public static func problem(_ password: String, email: String, policy: PasswordPolicy) -> Problem? {
        // Length in user-perceived characters, as NIST asks.
        if password.count < policy.minLength { return .tooShort(minimum: policy.minLength) }
        let lowered = password.lowercased()
        if policy.rejectCommonPasswords, commonPasswords.contains(lowered) { return .common }
        if policy.rejectEmailAsPassword {
            let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
            if lowered == email.lowercased() || (!local.isEmpty && lowered == local) { return .equalsEmail }
        }
        return nil
    }
}

/// A deliberately simple email address check: one `@`, a non-empty local part and a dotted domain,
/// no spaces or control characters, at most 254 bytes (RFC 5321). Deliverability is proven by the
/// verification email, not by a pattern.
public enum EmailAddressCheck {
    public static func isPlausible(_ email: String) -> Bool {
        guard email.utf8.count <= 254, !email.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "<" || $0 == ">" })
        else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }
}
