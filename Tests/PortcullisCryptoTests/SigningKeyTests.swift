import Foundation
import PortcullisCore
import PortcullisCrypto
import Testing

@Suite("Signing keys and secrets")
struct SigningKeyTests {
    @Test func generatedES256KeyPublishesPublicJWKOnly() throws {
        let pem = try SigningKey.generatePEM(.es256)
        let key = try SigningKey(kid: "k1", algorithm: .es256, pem: pem)
        #expect(key.publicJWK["kty"] == "EC")
        #expect(key.publicJWK["crv"] == "P-256")
        #expect(key.publicJWK["d"] == nil)
        #expect(key.publicJWK["kid"] == "k1")
    }

    @Test func generatedEdDSAKeyParses() throws {
        let pem = try SigningKey.generatePEM(.eddsa)
        let key = try SigningKey(kid: "ed", algorithm: .eddsa, pem: pem)
        #expect(key.publicJWK["crv"] == "Ed25519")
        #expect(key.publicJWK["d"] == nil)
    }

    @Test func refusesWrongAlgorithmAndGarbage() throws {
        let pem = try SigningKey.generatePEM(.es256)
        #expect(throws: KeyParseError.wrongType(expected: "an RSA private key")) {
            try SigningKey(kid: "k", algorithm: .rs256, pem: pem)
        }
        #expect(throws: KeyParseError.notPEM) { try SigningKey(kid: "k", algorithm: .es256, pem: "hello") }
        #expect(throws: KeyParseError.notPrivateKey) {
            try SigningKey(kid: "k", algorithm: .es256, pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
        }
    }

    @Test func jwksIsSerializedOnce() throws {
        let key = try SigningKey(kid: "k1", algorithm: .es256, pem: SigningKey.generatePEM(.es256))
        let set = JWKSet([key])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: set.json)
        #expect(decoded["keys"] == .array([key.publicJWK]))
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals(Array("secret".utf8), Array("secret".utf8)))
        #expect(!ConstantTime.equals(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!ConstantTime.equals(Array("secret".utf8), Array("secret2".utf8)))
        let digest = SecretDigest(of: "acme-web-dev-secret")
        #expect(ConstantTime.matches("acme-web-dev-secret", digest: digest))
        #expect(!ConstantTime.matches("acme-web-dev-secreT", digest: digest))
    }

    @Test func randomTokensAreLongAndDistinct() {
        let tokens = Set((0..<100).map { _ in RandomToken.make() })
        #expect(tokens.count == 100)
        #expect(tokens.allSatisfy { $0.count == 43 })
    }
}
