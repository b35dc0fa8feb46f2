import Foundation
import HTTPTypes
import HummingbirdTesting
import PortcullisCore
import PortcullisCrypto
import Testing

/// `private_key_jwt` client authentication (RFC 7523, OIDC Core §9) with a client whose public key
/// is in its configured JWK Set.
@Suite("private_key_jwt client authentication")
struct PrivateKeyJWTTests {
    static let tokenEndpoint = RelyingParty.issuer + "/oauth/token"

    func assertion(_ key: SigningKey, clientID: String = "acme-jobs", audience: String = tokenEndpoint,
                   expiresIn: TimeInterval = 60, jti: String = RandomToken.make(bytes: 12)) throws -> String {
        let now = Date().timeIntervalSince1970
        let claims: JSONValue = ["iss": .string(clientID), "sub": .string(clientID), "aud": .string(audience),
                                 "jti": .string(jti), "exp": .int(Int(now + expiresIn)), "iat": .int(Int(now))]
        return try JWS.sign(payload: try JSONEncoder().encode(claims), key: key)
    }

    @Test func signedAssertionsAuthenticateOnceAndOnlyWithTheClientsKey() async throws {
        let server = try await TestServer()
        defer { server.remove() }
        let key = try SigningKey(kid: "jobs-1", algorithm: .es256, pem: try SigningKey.generatePEM(.es256))
        let jwk = key.publicJWK.prettyPrinted().split(separator: "\n").joined(separator: " ")
        try server.edit("config/tenants/acme.yaml") { text in
            text.replacingOccurrences(of: "resource_servers:\n", with: """
              - client_id: acme-jobs
                name: Acme Jobs
                type: machine_to_machine
                token_endpoint_auth_method: private_key_jwt
                grant_types: [client_credentials]
                jwks: {"keys": [\(jwk)]}

            resource_servers:

            """).replacingOccurrences(of: "client_grants:\n", with: """
            client_grants:
              - client_id: acme-jobs
                audience: https://api.acme.test
                scopes: [read:orders]

            """)
        }
        #expect(await server.reloader.reload(reason: "test") == true)
        try await server.application(services: server.makeServices()).test(.router) { client in
            let rp = RelyingParty(client)
            func exchange(_ assertion: String) async throws -> (HTTPResponse.Status, JSONValue) {
                let result = try await rp.token([
                    ("grant_type", "client_credentials"), ("audience", "https://api.acme.test"),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion),
                ])
                return (result.status, result.json)
            }
            let good = try assertion(key)
            let (status, json) = try await exchange(good)
            #expect(status == .ok, "\(json)")
            #expect(json["scope"] == "read:orders")
            #expect(try await exchange(good).0 == .unauthorized, "an assertion is single use")

            let stranger = try SigningKey(kid: "jobs-1", algorithm: .es256, pem: try SigningKey.generatePEM(.es256))
            #expect(try await exchange(try assertion(stranger)).0 == .unauthorized)
            #expect(try await exchange(try assertion(key, audience: "https://elsewhere.example/token")).0 == .unauthorized)
            #expect(try await exchange(try assertion(key, expiresIn: -5)).0 == .unauthorized)
            #expect(try await exchange(try assertion(key, expiresIn: 7200)).0 == .unauthorized)
            #expect(try await exchange(try assertion(key, clientID: "acme-worker")).0 == .unauthorized,
                    "a client configured for secrets cannot use an assertion")
        }
    }
}
