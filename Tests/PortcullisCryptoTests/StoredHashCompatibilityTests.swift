@_spi(Testing) import PortcullisCrypto
import Testing

/// PHC strings written by the previous implementation (libargon2 0~20171227 through our former C
/// shim, the code every existing database's hashes came from), across the costs, lane counts,
/// tag lengths and versions it accepted. They must keep verifying after the switch to our own
/// Argon2, and only with their own password.
@Suite("hashes stored before our own Argon2")
struct StoredHashCompatibilityTests {
    static let stored: [(password: String, encoded: String)] = [
        ("correct horse battery staple",
         "$argon2id$v=19$m=19456,t=2,p=1$cG9ydGN1bGxpcy1zYWx0LTAx$qQtdi6XW2PrWZ0+QO7g1OxvzWnuzj3DB50vzdHiwYLg"),
        ("pässwörd ünïcode 🔐",
         "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$7jc5XAdHkgeeP5BBLPjOSv4F7v0EAAa4jyw0nFvj2pQ"),
        ("", "$argon2id$v=19$m=8192,t=1,p=1$ZW1wdHlwYXNzd29yZHNhbHQ$7031ObB8D4BMp+ySuF9FPPvZUBkYTKPGfy5j2iUherc"),
        ("a-long-passphrase",
         "$argon2id$v=19$m=8192,t=2,p=2$c2FsdC1wMi1zaXh0ZWVuIQ$XAs5mDT3fJQnJoRC1QtE7RWzWx6kksNWJLuLlAFwFP0"),
        ("four lanes", "$argon2id$v=19$m=4096,t=3,p=4$c2FsdC1wNC1zaXh0ZWVuIQ$bizgjWwyQ8mCOLIkUjxSS6WPuNWEOdq1ukAVgAgLjYA"),
        ("tiny", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$vbtZg2ERQzVJXUeajN0wvDggg9+l9xnGvTRKZbTiwHE"),
        ("odd memory", "$argon2id$v=19$m=1000,t=2,p=3$b2RkLW1lbW9yeS1zYWx0IQ$DwpUn04RR5+4BB5bQAg1LbxQwape+eQhINYLLnwiM3c"),
        ("sixty-four byte tag",
         "$argon2id$v=19$m=1024,t=1,p=1$bG9uZy10YWctc2FsdC0xNg$BBnjGrezzYZI+rkOqNc/GvDTxiiSAvrEhTXR75r1sfnJt9Fv3pCsYFZYSABWUaBVNbDVPfjdCZeN48yTyhPViA"),
        ("old version", "$argon2id$m=4096,t=2,p=1$dmVyc2lvbi0xNi1zYWx0IQ$dB9IvLp+ODxzAWIG5LZTwcsvaoJClyYmhP1MR1W7AfM"),
        ("short tag", "$argon2id$v=19$m=256,t=4,p=1$c2hvcnQtdGFnLXNhbHQxNg$5ysomA"),
    ]

    @Test(arguments: stored)
    func keepsVerifying(_ hash: (password: String, encoded: String)) {
        let hasher = PasswordHasher()
        #expect(hasher.verify(password: hash.password, against: hash.encoded) != .invalid)
        #expect(hasher.verify(password: hash.password + " ", against: hash.encoded) == .invalid)
    }

    /// The one written with today's default parameters and salt length needs no rehash; the others
    /// (other costs, versions, tag or salt lengths) are upgraded at the next login.
    @Test func onlyCurrentParametersSkipTheRehash() {
        let hasher = PasswordHasher()
        #expect(hasher.verify(password: Self.stored[1].password, against: Self.stored[1].encoded)
            == .valid(needsRehash: false))
        for hash in Self.stored.dropFirst(2) {
            #expect(hasher.verify(password: hash.password, against: hash.encoded) == .valid(needsRehash: true))
        }
    }

    /// Our encoder writes exactly what the previous one wrote for the same salt and password.
    @Test func encoderWritesTheSameStrings() throws {
        let salt = Array("0123456789abcdef".utf8)
        let encoded = try PasswordHasher.encodedHash(
            password: Self.stored[1].password, salt: salt, parameters: .default)
        #expect(encoded == Self.stored[1].encoded)
    }
}
