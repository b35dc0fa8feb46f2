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
        /// Set when a `post_login` hook asked for a form: the login waits for it, and
        /// ``Resume`` continues with this outcome's changes.
        public var pause: Pause?
        /// Forms shown so far in this login (bounded by ``HookRunner/maxFormsPerLogin``).
        public var formsShown = 0
        /// How many hooks ran.
        public var ran = 0

        public init() {}

        /// The changes so far, as JSON, to keep while the login waits for a form.
        public var stateJSON: String {
            let state: JSONValue = [
                "id_token_claims": .object(idTokenClaims), "access_token_claims": .object(accessTokenClaims),
                "app_metadata": .object(appMetadata), "user_metadata": .object(userMetadata), "forms_shown": .int(formsShown),
            ]
            return String(decoding: state.compactData, as: UTF8.self)
        }

        /// The changes kept by ``stateJSON``; nil when the text is not such a state.
        public init?(stateJSON: String) {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(stateJSON.utf8)),
                  case .object(let state) = value else { return nil }
            for (key, target) in [("id_token_claims", \Outcome.idTokenClaims), ("access_token_claims", \Outcome.accessTokenClaims),
                                  ("app_metadata", \Outcome.appMetadata), ("user_metadata", \Outcome.userMetadata)] {
                guard case .object(let object) = state[key] else { return nil }
                self[keyPath: target] = object
            }
            guard case .int(let shown) = state["forms_shown"] else { return nil }
            formsShown = shown
        }
    }

    /// A hook's request to show a form.
    public struct Pause: Sendable, Equatable {
        public var hook: String
        public var form: String
    }

    /// Continuing a paused login: `hook` is called again with the form's values, then the hooks after it run.
    public struct Resume: Sendable {
        public var hook: String
        public var form: String
        public var values: [String: JSONValue]
        public var changes: Outcome

        public init(hook: String, form: String, values: [String: JSONValue], changes: Outcome) {
            self.hook = hook
            self.form = form
            self.values = values
            self.changes = changes
        }
    }

    /// A hook that keeps asking for forms would never let the login finish.
    public static let maxFormsPerLogin = 5

    /// Whether the tenant has any enabled hook for `trigger` (callers skip building a payload otherwise).
    public static func hasHooks(_ trigger: HookConfig.Trigger, in tenant: Tenant) -> Bool {
        tenant.config.hooks.contains { $0.enabled && $0.trigger == trigger }
    }

    /// Runs the hooks of `trigger` with `payload` (the trigger's documented fields).
    ///
    /// - Parameters:
    ///   - interactive: whether a form can be shown (a login at /authorize); elsewhere (a refresh)
    ///     a hook's form request is skipped and its other changes apply.
    ///   - resume: continue a login paused for a form, from the hook that asked for it.
    public func run(_ trigger: HookConfig.Trigger, tenant: Tenant, payload: [String: JSONValue], interactive: Bool = false,
                    resume: Resume? = nil) async -> Outcome {
        let hooks = tenant.config.hooks.filter { $0.enabled && $0.trigger == trigger }
        var outcome = resume?.changes ?? Outcome()
        outcome.pause = nil
        var start = hooks.startIndex
        if let resume {
            // A reload between the form and its submission may have removed or disabled the hook:
            // the login cannot finish the way it was decided, so it fails closed.
            guard let index = hooks.firstIndex(where: { $0.name.value == resume.hook }) else {
                logger.error("the hook that asked for a form is no longer configured; denying", metadata: [
                    "hook": .string(resume.hook), "tenant": .string(tenant.id),
                ])
                outcome.denial = HookDenial(message: nil)
                return outcome
            }
            start = index
        }
        for hook in hooks[start...] {
            guard let url = hook.url?.value.text, let key = tenant.hookKeys[hook.name.value] else { continue }
            var body = payload
            body["trigger"] = .string(trigger.rawValue)
            body["hook"] = .string(hook.name.value)
            body["changes"] = [
                "id_token_claims": .object(outcome.idTokenClaims), "access_token_claims": .object(outcome.accessTokenClaims),
                "app_metadata": .object(outcome.appMetadata), "user_metadata": .object(outcome.userMetadata),
            ]
            if let resume, resume.hook == hook.name.value {
                body["form"] = ["name": .string(resume.form), "values": .object(resume.values)]
            }
            outcome.ran += 1
            let started = ContinuousClock.now
            var result = await call(hook, url: url, key: key, body: Array(JSONValue.object(body).compactData))
            let metadata: Logger.Metadata = [
                "hook": .string(hook.name.value), "trigger": .string(trigger.rawValue), "tenant": .string(tenant.id),
                "ms": "\((ContinuousClock.now - started).nanosecondsClamped / 1_000_000)",
            ]
            if case .success(let answer) = result, let form = answer.form {
                if let problem = formProblem(form, trigger: trigger, tenant: tenant, shown: outcome.formsShown) {
                    result = .failure(problem)
                } else if !interactive {
                    logger.debug("hook asked for a form in a flow without a page (a refresh); skipped", metadata: metadata)
                }
            }
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
                if let form = answer.form, interactive {
                    var asked = metadata
                    asked["form"] = .string(form)
                    logger.info("hook asked for a form; the login waits for it", metadata: asked)
                    outcome.pause = Pause(hook: hook.name.value, form: form)
                    outcome.formsShown += 1
                    return outcome
                }
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

    /// Why a hook's form request cannot be followed, if it cannot.
    private func formProblem(_ form: String, trigger: HookConfig.Trigger, tenant: Tenant, shown: Int) -> HookFailure? {
        if trigger != .postLogin { return HookFailure("only post_login hooks can ask for a form") }
        if !tenant.config.forms.contains(where: { $0.name.value == form }) {
            return HookFailure("the answer names form \"\(form)\", which the tenant does not declare")
        }
        if shown >= Self.maxFormsPerLogin { return HookFailure("more than \(Self.maxFormsPerLogin) forms in one login") }
        return nil
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
