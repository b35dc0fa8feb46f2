import Foundation
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisStore

/// `grant_type=refresh_token` (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2),
/// optional down-scoping, and organization switching (`organization`).
public struct RefreshTokenGrant: Grant {
    public static let grantType = ClientConfig.GrantType.refreshToken

    public func handle(_ request: TokenRequest, in context: GrantContext) async throws(OAuthError) -> TokenResponse {
        guard let presented = try request.parameters.single("refresh_token") else {
            throw .invalidRequest("refresh_token is required")
        }
        let tenantID = context.tenant.id
        let storage = context.storage
        let digest = SecretDigest(of: presented).hex
        let found = try await context.store { try await storage.refreshTokenRecord(tenantID: tenantID, digest: digest) }
        guard let record = found, record.clientID == request.client.id else {
            throw .invalidGrant("the refresh token is invalid")
        }
        guard record.revokedAt == nil else { throw .invalidGrant("the refresh token was revoked") }
        let settings = request.client.config.refreshToken
        var inGracePeriod = false
        if let usedAt = record.usedAt {
            let grace = TimeInterval(settings.reuseInterval.components.seconds)
            guard grace > 0, context.now.timeIntervalSince(usedAt) <= grace else {
                _ = try await context.store {
                    try await context.grantRevocation.revoke(tenantID: tenantID, grantID: record.familyID, at: context.now,
                                                             events: [DomainEvent(
                        .refreshTokenReused, tenantID: tenantID, subject: .user(record.userID),
                        actor: .client(request.client.id), request: context.request, at: context.now,
                        details: ["grant_id": record.familyID, "client_id": record.clientID])])
                }
                throw .invalidGrant("the refresh token was already used; every token of this grant is now revoked")
            }
            inGracePeriod = true
        }
        guard record.expiresAt > context.now, record.absoluteExpiresAt > context.now else {
            throw .invalidGrant("the refresh token expired")
        }

        let requested = request.parameters.list("scope")
        let widened = requested.filter { !record.scopes.contains($0) }
        guard widened.isEmpty else {
            throw .invalidScope("scopes not granted originally: \(widened.joined(separator: " "))")
        }
        let user = try await context.store { try await storage.user(tenantID: tenantID, id: record.userID) }
        guard let user, !user.blocked else { throw .invalidGrant("the user can no longer log in") }
        var organizationID = record.organizationID
        if let wanted = try request.parameters.single("organization") {
            organizationID = try await memberOrganization(wanted, user: user, in: context)
        }

        var successor = record
        successor.createdAt = context.now
        successor.usedAt = nil
        successor.organizationID = organizationID
        successor.expiresAt = min(context.now.addingTimeInterval(TimeInterval(settings.idleLifetime.components.seconds)),
                                  record.absoluteExpiresAt)
        var refreshPlain: String?
        if settings.rotation == .rotating || organizationID != record.organizationID {
            let minted = UserTokens.makeRefreshToken(from: successor)
            if inGracePeriod {
                // A retry within reuse_interval (the first answer was lost): a sibling in the same family.
                try await context.store { try await storage.createRefreshToken(minted.record) }
            } else {
                let rotation = try await context.store {
                    try await storage.rotateRefreshToken(tenantID: tenantID, digest: digest, now: context.now,
                                                         successor: minted.record)
                }
                switch rotation {
                case .rotated: break
                case .reused(let spent):
                    // The store revoked the family in the rotation's transaction; this says why.
                    context.events?.record(DomainEvent(
                        .refreshTokenReused, tenantID: tenantID, subject: .user(spent.userID),
                        actor: .client(request.client.id), request: context.request, at: context.now,
                        details: ["grant_id": spent.familyID, "client_id": spent.clientID]))
                    throw .invalidGrant("the refresh token was already used; every token of this grant is now revoked")
                case .invalid: throw .invalidGrant("the refresh token is invalid")
                }
            }
            refreshPlain = minted.plain
        }
        let tokens = UserTokens(user: user, client: request.client.config,
                                scopes: requested.isEmpty ? record.scopes : requested, audience: record.audience,
                                organizationID: organizationID, nonce: nil, authTime: record.authTime, amr: record.amr,
                                sessionDigest: record.sessionDigest, grantID: record.familyID)
        return try await tokens.response(in: context, refreshToken: refreshPlain)
    }

    /// The organization named by ID or name, if the user is a member through an enabled
    /// connection; otherwise no token (a refresh never adds a member).
    private func memberOrganization(_ wanted: String, user: User, in context: GrantContext) async throws(OAuthError) -> String {
        let storage = context.storage
        let decision = try await context.store {
            try await OrganizationAccess.decide(wanted, for: user, storage: storage, joinAtLogin: false, now: context.now)
        }
        switch decision {
        case .allowed(let organization): return organization.id
        case .unknownOrganization: throw .invalidGrant("unknown organization \(wanted)")
        case .connectionNotEnabled(let organization, let connection):
            throw .invalidGrant("connection \(connection) is not enabled for organization \(organization.name)")
        case .notAMember(let organization):
            throw .invalidGrant("the user is not a member of organization \(organization.name)")
        }
    }
}
