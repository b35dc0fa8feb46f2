import Foundation
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisHooks
import PortcullisOAuth
import PortcullisStore

/// ``TokenHooks`` through the tenant's `post_login` and `credentials_exchange` hooks: payloads
/// built here, calls made by ``HookRunner``. Claims must be namespaced (others are refused and
/// logged); `app_metadata` a `post_login` hook returns is merged into the user, with its event.
struct HTTPTokenHooks: TokenHooks {
    let runner: HookRunner
    let storage: any PortcullisStorage
    let logger: Logger

    func postLogin(_ request: TokenHookRequest) async throws(OAuthError) -> HookClaims {
        guard HookRunner.hasHooks(.postLogin, in: request.tenant), let user = request.user else { return HookClaims() }
        var payload = common(request)
        payload["user"] = HookPayload.user(user)
        if let id = request.organizationID,
           let organization = try? await storage.organization(tenantID: request.tenant.id, id: id) {
            var value: [String: JSONValue] = ["id": .string(organization.id), "name": .string(organization.name)]
            if let display = organization.displayName { value["display_name"] = .string(display) }
            payload["organization"] = .object(value)
        }
        let outcome = await runner.run(.postLogin, tenant: request.tenant, payload: payload)
        try deny(outcome)
        if !outcome.appMetadata.isEmpty { await merge(outcome.appMetadata, into: user, request: request) }
        return claims(outcome, trigger: "post_login")
    }

    func credentialsExchange(_ request: TokenHookRequest) async throws(OAuthError) -> HookClaims {
        guard HookRunner.hasHooks(.credentialsExchange, in: request.tenant) else { return HookClaims() }
        let outcome = await runner.run(.credentialsExchange, tenant: request.tenant, payload: common(request))
        try deny(outcome)
        // Client tokens have no ID token.
        return HookClaims(accessToken: claims(outcome, trigger: "credentials_exchange").accessToken)
    }

    private func common(_ request: TokenHookRequest) -> [String: JSONValue] {
        var transaction: [String: JSONValue] = [
            "grant_type": .string(request.grantType), "scopes": .array(request.scopes.map(JSONValue.string)),
        ]
        if let audience = request.audience { transaction["audience"] = .string(audience) }
        return [
            "tenant": HookPayload.tenant(request.tenant), "client": HookPayload.client(request.clientID, in: request.tenant),
            "request": HookPayload.request(request.request), "transaction": .object(transaction),
        ]
    }

    private func deny(_ outcome: HookRunner.Outcome) throws(OAuthError) {
        guard let denial = outcome.denial else { return }
        throw OAuthError(.accessDenied, denial.message ?? "access denied by a hook", status: 403)
    }

    private func claims(_ outcome: HookRunner.Outcome, trigger: String) -> HookClaims {
        let id = HookPayload.namespaced(outcome.idTokenClaims)
        let access = HookPayload.namespaced(outcome.accessTokenClaims)
        let refused = Set(id.refused + access.refused).sorted()
        if !refused.isEmpty {
            logger.warning("hook claims refused: custom claims must be namespaced (a URL or URN)", metadata: [
                "trigger": .string(trigger), "claims": .string(refused.joined(separator: " ")),
            ])
        }
        return HookClaims(idToken: id.accepted, accessToken: access.accepted)
    }

    /// Merges top-level keys (`null` removes one) into the user's app_metadata.
    private func merge(_ changes: [String: JSONValue], into user: User, request: TokenHookRequest) async {
        do {
            guard var current = try await storage.user(tenantID: user.tenantID, id: user.id) else { return }
            current.appMetadataJSON = HookPayload.merge(changes, into: current.appMetadataJSON)
            _ = try await storage.update(current, events: [
                DomainEvent(.userUpdated, tenantID: user.tenantID, subject: .user(user.id), actor: .system,
                            request: request.request, details: ["via": "post_login_hook", "fields": "app_metadata"]),
            ])
        } catch {
            logger.error("app_metadata from a post_login hook not saved", metadata: ["error": "\(error)"])
        }
    }
}
