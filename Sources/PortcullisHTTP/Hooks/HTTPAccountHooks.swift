import Foundation
import Logging
import PortcullisAccounts
import PortcullisConfig
import PortcullisCore
import PortcullisHooks
import PortcullisStore

/// ``AccountHooks`` through the tenant's registration, update and deletion hooks. The tenant is
/// the current snapshot's (the service layer is called with a tenant id); the notifications
/// (`post_user_registration`, `post_user_deletion`) run after the response, so a slow receiver
/// never delays a sign-up.
struct HTTPAccountHooks: AccountHooks {
    let runner: HookRunner
    let configStore: ConfigStore
    let logger: Logger

    func beforeRegistration(_ user: User, via: String, request: EventRequestContext?) async throws -> User {
        guard let tenant = tenant(of: user), HookRunner.hasHooks(.preUserRegistration, in: tenant) else { return user }
        let outcome = await runner.run(.preUserRegistration, tenant: tenant, payload: payload(tenant, user, via: via, request))
        if let denial = outcome.denial { throw AccountFailure.deniedByHook(denial) }
        var changed = user
        changed.appMetadataJSON = HookPayload.merge(outcome.appMetadata, into: user.appMetadataJSON)
        changed.userMetadataJSON = HookPayload.merge(outcome.userMetadata, into: user.userMetadataJSON)
        return changed
    }

    func afterRegistration(_ user: User, via: String, request: EventRequestContext?) async {
        notify(.postUserRegistration, user, via: via, request)
    }

    func beforeUpdate(_ current: User, proposed: User, request: EventRequestContext?) async throws {
        guard let tenant = tenant(of: current), HookRunner.hasHooks(.preUserUpdate, in: tenant) else { return }
        var body = payload(tenant, current, via: nil, request)
        body["updated_user"] = HookPayload.user(proposed)
        if let denial = await runner.run(.preUserUpdate, tenant: tenant, payload: body).denial {
            throw AccountFailure.deniedByHook(denial)
        }
    }

    func beforeDeletion(_ user: User, request: EventRequestContext?) async throws {
        guard let tenant = tenant(of: user), HookRunner.hasHooks(.preUserDeletion, in: tenant) else { return }
        if let denial = await runner.run(.preUserDeletion, tenant: tenant, payload: payload(tenant, user, via: nil, request)).denial {
            throw AccountFailure.deniedByHook(denial)
        }
    }

    func afterDeletion(_ user: User, request: EventRequestContext?) async {
        notify(.postUserDeletion, user, via: nil, request)
    }

    private func notify(_ trigger: HookConfig.Trigger, _ user: User, via: String?, _ request: EventRequestContext?) {
        guard let tenant = tenant(of: user), HookRunner.hasHooks(trigger, in: tenant) else { return }
        let body = payload(tenant, user, via: via, request)
        let runner = self.runner
        // What it answers changes nothing; its failures are logged by the runner.
        Task { _ = await runner.run(trigger, tenant: tenant, payload: body) }
    }

    private func tenant(of user: User) -> Tenant? {
        configStore.snapshot.tenantsByID[user.tenantID]
    }

    private func payload(_ tenant: Tenant, _ user: User, via: String?, _ request: EventRequestContext?) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "tenant": HookPayload.tenant(tenant), "user": HookPayload.user(user), "request": HookPayload.request(request),
        ]
        if let via { body["transaction"] = ["via": .string(via)] }
        return body
    }
}
