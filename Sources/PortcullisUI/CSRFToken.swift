import Foundation
import PortcullisCrypto

/// Cross-site request forgery protection by double submission: every form carries a token that must
/// equal the one in a cookie the page set. Another site can make the browser send the cookie but
/// cannot read it to put it in the form. Tokens carry their issue time, so an old form is refused
/// even with a matching cookie. With an https issuer the cookie uses the `__Host-` prefix, which
/// stops sibling subdomains from planting their own.
public struct CSRFToken: Sendable {
    public static let formField = "csrf_token"
    public static let lifetime: TimeInterval = 2 * 60 * 60

    public static func cookieName(secure: Bool) -> String {
        secure ? "__Host-portcullis_csrf" : "portcullis_csrf"
    }

    /// A fresh token: issue time and 256 random bits.
    public static func make(now: Date = Date()) -> String {
        "\(Int(now.timeIntervalSince1970)).\(RandomToken.make())"
    }

    public enum Failure: Error, Equatable {
        case missing, mismatch, expired
    }

    /// Checks the form's token against the cookie's.
    public static func verify(form: String?, cookie: String?, now: Date = Date()) throws(Failure) {
        guard let form, let cookie, !form.isEmpty, !cookie.isEmpty else { throw .missing }
        guard ConstantTime.equals(Array(form.utf8), Array(cookie.utf8)) else { throw .mismatch }
        guard let issued = form.split(separator: ".").first.flatMap({ Double($0) }),
              now.timeIntervalSince1970 - issued <= lifetime, issued <= now.timeIntervalSince1970 + 60
        else { throw .expired }
    }
}
