import Crypto
import Foundation
import PortcullisCore
import PortcullisCrypto
import Testing

@Suite("JWS and access token verification")
struct JWSTests {
    static func key(_ algorithm: SigningKeyConfig.Algorithm, kid: String = "k1") throws -> SigningKey {
        try SigningKey(kid: kid, algorithm: algorithm, pem: try SigningKey.generatePEM(algorithm))
    }

    @Test(arguments: [SigningKeyConfig.Algorithm.rs256, .es256, .eddsa])
    func signAndVerifyRoundTrip(algorithm: SigningKeyConfig.Algorithm) throws {
        let key = try Self.key(algorithm)
        let token = try JWS.sign(payload: Data(#"{"a":1}"#.utf8), key: key, type: "at+jwt")
        let parts = try #require(JWS.parse(token))
        #expect(parts.algorithm == algorithm.rawValue)
        #expect(parts.keyID == "k1")
        #expect(parts.type == "at+jwt")
        #expect(parts.isSigned(by: key.verificationKey))
        #expect(!parts.isSigned(by: try Self.key(algorithm).verificationKey), "another key of the same type")
        // The published JWK gives the same verification key.
        let fromJWK = try #require(JWSVerificationKey(jwk: key.publicJWK))
        #expect(parts.isSigned(by: fromJWK))
    }

    @Test func tamperedOrMalformedTokensFail() throws {
        let key = try Self.key(.es256)
        let token = try JWS.sign(payload: Data(#"{"a":1}"#.utf8), key: key)
        let pieces = token.split(separator: ".")
        let tampered = "\(pieces[0]).\(Data(#"{"a":2}"#.utf8).base64URLEncoded).\(pieces[2])"
        #expect(JWS.parse(tampered)?.isSigned(by: key.verificationKey) == false)
        #expect(JWS.parse("a.b") == nil)
        #expect(JWS.parse("!!.e30.e30") == nil)
        #expect(JWS.parse(String(repeating: "a", count: JWS.maximumLength + 1)) == nil)
    }

    @Test func accessTokenVerifierChecksTypeIssuerExpiryAndKey() throws {
        let key = try Self.key(.es256)
        let verifier = AccessTokenVerifier(issuer: "https://id.example/t", keys: [key])
        let now = Date()
        func token(iss: String = "https://id.example/t", exp: Date, type: String = "at+jwt", with signer: SigningKey? = nil) throws -> String {
            let claims = AccessTokenClaims(iss: iss, sub: "db|usr_1", aud: ["api"], exp: Int(exp.timeIntervalSince1970),
                                           iat: Int(now.timeIntervalSince1970), jti: "j", clientID: "c", scope: "openid")
            return try JWS.sign(payload: try JSONEncoder().encode(claims), key: signer ?? key, type: type)
        }
        let good = try token(exp: now.addingTimeInterval(60))
        let claims = try verifier.verify(good, now: now).get()
        #expect(claims.userID == "usr_1")
        #expect(claims.scopes == ["openid"])
        #expect(verifier.verify(try token(exp: now.addingTimeInterval(-1)), now: now) == .failure(.expired))
        #expect(verifier.verify(try token(iss: "https://evil", exp: now.addingTimeInterval(60)), now: now) == .failure(.wrongIssuer))
        #expect(verifier.verify(try token(exp: now.addingTimeInterval(60), type: "JWT"), now: now) == .failure(.malformed),
                "an ID token is not an access token")
        let stranger = try Self.key(.es256)
        #expect(verifier.verify(try token(exp: now.addingTimeInterval(60), with: stranger), now: now) == .failure(.badSignature))
    }
}
