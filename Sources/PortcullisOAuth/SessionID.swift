import Crypto
import Foundation
import PortcullisCrypto

/// The OIDC `sid` of a login session: derived from the session's digest so it is stable for the
/// session's life, yet reveals nothing that could be turned back into the cookie or the digest.
public enum SessionID {
    public static func make(sessionDigest: String) -> String {
        Data(SHA256.hash(data: Data(("sid:" + sessionDigest).utf8))).prefix(18).base64URLEncoded
    }
}
