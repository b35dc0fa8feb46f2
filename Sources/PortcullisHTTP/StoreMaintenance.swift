import Foundation
import Logging
import PortcullisStore
import ServiceLifecycle

/// Deletes expired sessions, email tokens, authorization codes and refresh tokens now and then.
/// Lookups already ignore them; this only keeps the tables from growing without bound.
public struct StoreMaintenance: Service {
    let storage: any PortcullisStorage
    let interval: Duration
    let logger: Logger

    public init(storage: any PortcullisStorage, interval: Duration = .seconds(3600), logger: Logger) {
        self.storage = storage
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // On shutdown the sleep is cancelled and the loop ends normally.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func sweep() async {
        do {
            let now = Date()
            let sessions = try await storage.deleteExpiredSessions(before: now)
            let tokens = try await storage.deleteExpiredEmailTokens(before: now)
            let codes = try await storage.deleteExpiredAuthorizationCodes(before: now)
            let refreshTokens = try await storage.deleteExpiredRefreshTokens(before: now)
            if sessions + tokens + codes + refreshTokens > 0 {
                logger.info("expired rows deleted", metadata: [
                    "sessions": "\(sessions)", "email_tokens": "\(tokens)",
                    "authorization_codes": "\(codes)", "refresh_tokens": "\(refreshTokens)",
                ])
            }
        } catch {
            logger.warning("deleting expired sessions and tokens failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
