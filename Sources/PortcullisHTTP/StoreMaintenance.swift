import Foundation
import Logging
import PortcullisStore
import ServiceLifecycle

/// Deletes expired sessions, email tokens, authorization codes and refresh tokens now and then,
/// and audit events past `logs.retention`. Lookups already ignore expired rows; this only keeps the
/// tables from growing without bound.
public struct StoreMaintenance: Service {
    let storage: any PortcullisStorage
    let interval: Duration
    /// How long audit events are kept; read from the current configuration at each sweep, so a
    /// reload applies at the next one.
    let auditRetention: @Sendable () -> Duration
    let logger: Logger

    public init(storage: any PortcullisStorage, interval: Duration = .seconds(3600),
                auditRetention: @escaping @Sendable () -> Duration = { .seconds(30 * 86_400) }, logger: Logger) {
        self.storage = storage
        self.interval = interval
        self.auditRetention = auditRetention
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
            let paused = try await storage.deleteExpiredPausedLogins(before: now)
            let markers = try await storage.deleteExpiredSingleUseMarkers(before: now)
            let retention = auditRetention()
            let events = try await storage.deleteEvents(before: now.addingTimeInterval(
                -Double(retention.components.seconds)))
            try await storage.refreshStatistics()
            if sessions + tokens + codes + refreshTokens + paused + markers + events > 0 {
                logger.info("expired rows deleted", metadata: [
                    "sessions": "\(sessions)", "email_tokens": "\(tokens)",
                    "authorization_codes": "\(codes)", "refresh_tokens": "\(refreshTokens)", "paused_logins": "\(paused)",
                    "single_use_markers": "\(markers)", "audit_events": "\(events)",
                ])
            }
        } catch {
            logger.warning("deleting expired sessions and tokens failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
