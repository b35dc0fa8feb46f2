import Foundation
import Logging
import PortcullisConfig
import PortcullisCore

/// Runs a trigger's hooks (the tenant's enabled hooks of that trigger, in configuration order),
/// each a signed POST of the trigger's payload, each seeing the changes of the ones before it
/// (`changes` in its payload). A hook that fails (no answer in time, a non-2xx status, a malformed
/// answer) denies the flow when its `on_failure` is `deny`, and is skipped when it is `continue`.
public struct HookRunner: Sendable {
    let transport: any HookTransport
    let logger: Logger

    public init(transport: any HookTransport, logger: Logger) {
        self.transport = transport
        self.logger = logger
    }

    /// What the trigger's hooks decided together.
    public struct Outcome: Sendable, Equatable {
        /// Set when a hook denied (or failed with `on_failure: deny`): the flow stops.
        public var denial: HookDenial?
        public var idTokenClaims: [String: JSONValue] = [:]
        public var accessTokenClaims: [String: JSONValue] = [:]
        /// Top-level keys to set (`null` removes one), merged over the hooks in order.
        public var appMetadata: [String: JSONValue] = [:]
        public var userMetadata: [String: JSONValue] = [:]
        /// How many hooks ran.
        public var ran = 0
    }

    /// Whether the tenant has any enabled hook for `trigger` (callers skip building a payload otherwise).
    public static func hasHooks(_ trigger: HookConfig.Trigger, in tenant: Tenant) -> Bool {
        tenant.config.hooks.contains { $0.enabled && $0.trigger == trigger }
    }

    /// Runs the hooks of `trigger` with `payload` (the trigger's documented fields).
    public func run(_ trigger: HookConfig.Trigger, tenant: Tenant, payload: [String: JSONValue]) async -> Outcome {
        var outcome = Outcome()
        for hook in tenant.config.hooks where hook.enabled && hook.trigger == trigger {
            guard let url = hook.url?.value.text, let key = tenant.hookKeys[hook.name.value] else { continue }
            var body = payload
            body["trigger"] = .string(trigger.rawValue)
            body["hook"] = .string(hook.name.value)
            body["changes"] = [
                "id_token_claims": .object(outcome.idTokenClaims), "access_token_claims": .object(outcome.accessTokenClaims),
                "app_metadata": .object(outcome.appMetadata), "user_metadata": .object(outcome.userMetadata),
            ]
            outcome.ran += 1
            let started = ContinuousClock.now
            let result = await call(hook, url: url, key: key, body: Array(JSONValue.object(body).compactData))
            let metadata: Logger.Metadata = [
                "hook": .string(hook.name.value), "trigger": .string(trigger.rawValue), "tenant": .string(tenant.id),
                "ms": "\((ContinuousClock.now - started).nanosecondsClamped / 1_000_000)",
            ]
            switch result {
            case .success(let answer):
                if let denial = answer.deny {
                    logger.notice("hook denied", metadata: metadata)
                    outcome.denial = denial
                    return outcome
                }
                outcome.idTokenClaims.merge(answer.idTokenClaims) { _, new in new }
                outcome.accessTokenClaims.merge(answer.accessTokenClaims) { _, new in new }
                outcome.appMetadata.merge(answer.appMetadata ?? [:]) { _, new in new }
                outcome.userMetadata.merge(answer.userMetadata ?? [:]) { _, new in new }
                logger.debug("hook answered", metadata: metadata)
            case .failure(let failure):
                var failed = metadata
                failed["error"] = .string(failure.reason)
                switch hook.onFailure {
                case .deny:
                    logger.error("hook failed; denying (on_failure: deny)", metadata: failed)
                    outcome.denial = HookDenial(message: nil)
                    return outcome
                case .continue:
                    logger.warning("hook failed; continuing without it (on_failure: continue)", metadata: failed)
                }
            }
        }
        return outcome
    }

    private func call(_ hook: HookConfig, url: String, key: HMACKey, body: [UInt8]) async -> Result<HookAnswer, HookFailure> {
        let headers = [
            ("Content-Type", "application/json"), ("Accept", "application/json"), ("User-Agent", "Portcullis-Hooks/1"),
            (WebhookSignature.headerName, WebhookSignature.header(key: key.bytes, timestamp: Int(Date().timeIntervalSince1970),
                                                                  body: body)),
            ("Portcullis-Hook", hook.name.value), ("Portcullis-Trigger", hook.trigger.rawValue),
        ]
        switch await transport.exchange(url: url, headers: headers, body: body, timeout: hook.timeout) {
        case .failure(let reason):
            return .failure(HookFailure(reason))
        case .response(let status, let answer) where (200..<300).contains(status):
            return HookAnswer.parse(answer)
        case .response(let status, _):
            return .failure(HookFailure("HTTP \(status)"))
        }
    }
}
