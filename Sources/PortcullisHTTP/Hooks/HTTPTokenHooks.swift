import Foundation
import Logging
import PortcullisConfig
import PortcullisCore
import PortcullisHooks
import PortcullisOAuth
import PortcullisStore

/// ``TokenHooks`` through the tenant's `post_login` and `credentials_exchange` hooks: payloads
/// built here, calls made by ``HookRunner``. Claims must be namespaced (others are refused and
/// logged); the `app_metadata` and `user_metadata` `post_login` hooks return (and the values of a
/// form with `save_to: user_metadata`) are merged into the user when the login completes, with its event.
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
        let outcome = await runner.run(.postLogin, tenant: request.tenant, payload: payload, interactive: request.interactive,
                                       resume: try resume(request))
        try deny(outcome)
        if let pause = outcome.pause {
            // Nothing is saved while the login waits: the changes so far travel with the form.
            return HookClaims(form: HookFormPause(hook: pause.hook, form: pause.form, state: outcome.stateJSON))
        }
        if !outcome.appMetadata.isEmpty || !outcome.userMetadata.isEmpty {
            await save(app: outcome.appMetadata, user: outcome.userMetadata, of: user, request: request)
        }
        return claims(outcome, trigger: "post_login")
    }

    /// The runner's view of a submitted form: the changes kept while the login waited, and the
    /// values, which a form with `save_to: user_metadata` also adds to the user_metadata changes.
    private func resume(_ request: TokenHookRequest) throws(OAuthError) -> HookRunner.Resume? {
        guard let resume = request.resume else { return nil }
        guard var changes = HookRunner.Outcome(stateJSON: resume.state) else {
            logger.error("a paused login's state is unreadable; denying", metadata: ["form": .string(resume.form)])
            throw OAuthError(.serverError, "the login could not be continued", status: 500)
        }
        if request.tenant.config.forms.first(where: { $0.name.value == resume.form })?.saveTo == .userMetadata {
            changes.userMetadata.merge(resume.values) { _, new in new }
        }
        return HookRunner.Resume(hook: resume.hook, form: resume.form, values: resume.values, changes: changes)
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

    /// Merges top-level keys (`null` removes one) into the user's app_metadata and user_metadata.
    private func save(app: [String: JSONValue], user metadata: [String: JSONValue], of user: User,
                      request: TokenHookRequest) async {
        do {
            guard var current = try await storage.user(tenantID: user.tenantID, id: user.id) else { return }
            current.appMetadataJSON = HookPayload.merge(app, into: current.appMetadataJSON)
            current.userMetadataJSON = HookPayload.merge(metadata, into: current.userMetadataJSON)
            let fields = [app.isEmpty ? nil : "app_metadata", metadata.isEmpty ? nil : "user_metadata"].compactMap { $0 }
            _ = try await storage.update(current, events: [
                DomainEvent(.userUpdated, tenantID: user.tenantID, subject: .user(user.id), actor: .system,
                            request: request.request, details: ["via": "post_login_hook", "fields": fields.joined(separator: " ")]),
            ])
        } catch {
            logger.error("metadata from a post_login hook not saved", metadata: ["error": "\(error)"])
        }
    }
}
