import Foundation
import PortcullisAccounts
import PortcullisUI
import Testing

@Suite("User import lines")
struct UserImportRecordTests {
    @Test func auth0FieldsAndBcryptHash() throws {
        let line = #"{"email":"ann@example.com","email_verified":true,"name":"Ann","given_name":"Ann","blocked":false,"#
            + #""app_metadata":{"plan":"gold","roles":["a"]},"user_metadata":{"theme":"dark"},"#
            + #""custom_password_hash":{"algorithm":"bcrypt","hash":{"value":"$2b$10$abcdefghijklmnopqrstuuLCa7oWmeEk/d2y5Kj1hR3m0dB/HPw6q"}}}"#
        let record = try UserImportRecord.parse(line).get()
        #expect(record.email == "ann@example.com")
        #expect(record.emailVerified)
        #expect(record.name == "Ann")
        #expect(record.appMetadataJSON == #"{"plan":"gold","roles":["a"]}"#)
        #expect(record.passwordHash?.hasPrefix("$2b$10$") == true)
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        (#"{"name":"x"}"#, "missing or invalid \"email\""),
        (#"{"email":"a@b.c","app_metadata":[1]}"#, "\"app_metadata\" must be an object"),
        (#"{"email":"a@b.c","password_hash":"md5:abc"}"#, "password hash is neither bcrypt ($2a$/$2b$/$2y$) nor argon2id"),
        (#"{"email":"a@b.c","custom_password_hash":{"algorithm":"md5","hash":{"value":"x"}}}"#,
         "\"custom_password_hash\" must name algorithm bcrypt or argon2id and hash.value"),
    ])
    func badLinesAreExplained(_ line: String, _ reason: String) {
        guard case .failure(let error) = UserImportRecord.parse(line) else {
            Issue.record("accepted \(line)")
            return
        }
        #expect(error.description == reason)
    }

    @Test func passwordPolicy() {
        let policy = PasswordPolicyCheck.self
        let rules = PortcullisCoreDefaults.policy
        #expect(policy.problem("short", email: "a@b.c", policy: rules) == .tooShort(minimum: 10))
        #expect(policy.problem("password123", email: "a@b.c", policy: rules) == .common)
        #expect(policy.problem("someone@example.com", email: "someone@example.com", policy: rules) == .equalsEmail)
        #expect(policy.problem("a-long-unusual-passphrase", email: "a@b.c", policy: rules) == nil)
        #expect(EmailAddressCheck.isPlausible("a@b.c"))
        #expect(!EmailAddressCheck.isPlausible("a@b"))
        #expect(!EmailAddressCheck.isPlausible("a b@c.d"))
    }
}

import PortcullisCore

enum PortcullisCoreDefaults {
    static let policy = PasswordPolicy()
}
