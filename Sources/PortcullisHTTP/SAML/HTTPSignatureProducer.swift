import AsyncHTTPClient
import Foundation
import NIOCore
import PortcullisSAML

/// Signs through a signing service that holds the key (an HSM or KMS behind HTTP): POSTs the digest
/// of what is signed, with the configured bearer token, and expects the RSA PKCS#1 v1.5 signature.
/// The protocol is in docs/saml.md:
///
///     POST {url}  Authorization: Bearer {token}  Content-Type: application/json
///     {"algorithm": "rsa-sha256", "digest_algorithm": "sha256", "digest": "<base64>"}
///     → 200 {"signature": "<base64>"}
struct HTTPSignatureProducer: SignatureProducer {
    let url: String
    let token: String
    let timeout: Duration

    /// One client for every signer: connections are reused across logins; redirects are not
    /// followed (the token must go only where the config says).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Body: Encodable {
        let algorithm: String
        let digest_algorithm: String
        let digest: String
    }

    struct Answer: Decodable {
        let signature: String
    }

    func signature(for message: [UInt8], algorithm: SignatureAlgorithm) async throws -> [UInt8] {
        let digest = algorithm.digest.hash(message)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        let body = Body(algorithm: algorithm == .rsaSHA256 ? "rsa-sha256" : "rsa-sha1",
                        digest_algorithm: algorithm.digest.rawValue, digest: Data(digest).base64EncodedString())
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                                   + timeout.components.attoseconds / 1_000_000_000))
        } catch {
            // Not the error itself: it could name the request.
            throw Failure(description: "the signing service could not be reached (\(type(of: error)))")
        }
        let bytes = try? await response.body.collect(upTo: 16 * 1024)
        guard response.status == .ok else { throw Failure(description: "the signing service answered \(response.status.code)") }
        guard let bytes, let answer = try? JSONDecoder().decode(Answer.self, from: Data(buffer: bytes)),
              let signature = Data(base64Encoded: answer.signature), signature.count >= 256, signature.count <= 1024 else {
            throw Failure(description: "the signing service's answer has no usable signature")
        }
        return Array(signature)
    }
}
