/// Random record IDs for the store's entities: a short type prefix and 24 URL-safe characters.
///
/// 24 characters of 6 bits give 144 random bits, so IDs never collide in practice and reveal nothing
/// about time, order or how many records exist. The alphabet has 64 symbols, so `random(in:)` picks
/// each one uniformly from the system's cryptographic generator. The prefix (`usr_`, …) tells a
/// reader in a log or a support ticket what kind of ID they hold.
package enum RandomID {
    package static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<24).map { _ in
            urlSafeAlphabet[Int.random(in: 0..<urlSafeAlphabet.count, using: &generator)]
        }
        return prefix + String(suffix)
    }

    private static let urlSafeAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}
