import Foundation
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// Development-mode signing keys kept in the store, so a tenant without configured keys keeps the
/// same key across restarts and replicas (tokens stay verifiable).
public struct StoreKeyProvider: GeneratedKeyProvider {
    let storage: any PortcullisStorage

    public init(storage: any PortcullisStorage) {
        self.storage = storage
    }

    public func generatedKeyPEM(tenantID: String, algorithm: SigningKeyConfig.Algorithm) async throws -> String {
        if let existing = try await storage.generatedKeys(tenantID: tenantID).first(where: { $0.algorithm == algorithm.rawValue }) {
            return existing.privateKeyPEM
        }
        let pem = try SigningKey.generatePEM(algorithm)
        let candidate = StoredSigningKey(tenantID: tenantID, kid: "\(tenantID)-generated-\(algorithm.rawValue.lowercased())",
                                         algorithm: algorithm.rawValue, privateKeyPEM: pem, createdAt: Date())
        // Another replica may have won the race; use whichever key was stored first.
        return try await storage.insertGeneratedKeyIfAbsent(candidate).privateKeyPEM
    }
}
