import PortcullisCrypto

/// Headers on every hosted page. The style nonce admits the one inline `<style>` that carries the
/// tenant's colours; no script runs at all.
public enum SecurityHeaders {
    public static func nonce() -> String { RandomToken.make(bytes: 16) }

    public static func contentSecurityPolicy(nonce: String) -> String {
        // form-action is left out on purpose: browsers apply it to the redirect after a login POST,
        // which goes to the application's own origin.
        "default-src 'none'; style-src 'self' 'nonce-\(nonce)'; img-src 'self' https: data:; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    public static func headers(nonce: String) -> [(String, String)] {
        [
            ("Content-Security-Policy", contentSecurityPolicy(nonce: nonce)),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
        ]
    }
}
