/// Checks the form of the digests that stand in for secret tokens (session cookies, emailed
/// links): the store receives SHA-256 digests, never tokens, and refuses anything else so that a
/// caller who forgot to hash cannot store a usable secret by mistake.
package enum SHA256HexDigest {
    /// Whether `text` is 64 lowercase hexadecimal characters. Lowercase only, so one digest has
    /// one spelling and lookups never miss because of letter case.
    package static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    /// Throws unless `digest` is valid; `what` names the secret, e.g. "a session id".
    package static func require(_ digest: String, for what: String) throws(StoreError) {
        guard isValid(digest) else {
            throw .invalidInput("\(what) must be the SHA-256 digest of the token, as 64 lowercase hex characters")
        }
    }
}
