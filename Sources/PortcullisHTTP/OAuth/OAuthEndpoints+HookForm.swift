import Foundation
import HTTPTypes
import Hummingbird
import PortcullisConfig
import PortcullisCore
import PortcullisCrypto
import PortcullisHooks
import PortcullisOAuth
import PortcullisStore
import PortcullisUI

/// Forms `post_login` hooks ask for (docs/hooks.md): shown by `/authorize` when a hook answers
/// `{"action": "form"}`, submitted to `POST {issuer}/authorize/form`, which continues the login.
///
/// The page carries the authorization request (`state`, as the consent page does) and a random
/// ticket whose digest keys the ``PausedLogin``. A submission counts only from the session the form
/// was shown in and with the very request it was shown for; the ticket is taken when the form is
/// accepted or declined, so a second submission continues nothing.
extension OAuthEndpoints {
    /// How long a form may stay open.
    static let pausedLoginLifetime: TimeInterval = 600

    func showHookForm(_ pause: HookFormPause, parameters: OAuthParameters, authorization: AuthorizationRequest,
                      session: Session, user: User, page: HostedPageRequest, now: Date) async throws -> Response {
        guard let form = page.tenant.config.forms.first(where: { $0.name.value == pause.form }) else {
            // The runner checked the name against this same snapshot; this cannot happen.
            return await errorPage(page, reason: "the form is not configured", status: .internalServerError)
        }
        let transaction = Self.encode(parameters.values)
        let ticket = RandomToken.make()
        try await services.storage.createPausedLogin(PausedLogin(
            digest: SecretDigest(of: ticket).hex, tenantID: page.tenant.id, userID: user.id, sessionDigest: session.digest,
            clientID: authorization.client.id, requestDigest: SecretDigest(of: transaction).hex, hook: pause.hook,
            form: form.name.value, stateJSON: pause.state, createdAt: now, expiresAt: now.addingTimeInterval(Self.pausedLoginLifetime)))
        var prefill: [String: JSONValue] = [:]
        if form.saveTo == .userMetadata, case .object(let metadata) = HookPayload.metadata(user.userMetadataJSON) {
            prefill = metadata
        }
        let raw = prefill.compactMapValues { value -> String? in
            switch value {
            case .string(let text): text
            case .int(let number): String(number)
            case .double(let number): String(number)
            case .bool(let flag): flag ? "on" : ""
            default: nil
            }
        }
        return await page.page(.hookForm, values: Self.formValues(form, page: page, transaction: transaction, ticket: ticket,
                                                                   raw: raw, problems: [:]))
    }

    func submitHookForm(_ request: Request, _ context: PortcullisRequestContext) async throws -> Response {
        let submitted: HostedForm
        switch try await HostedForm.read(request, context: context, services: services) {
        case .success(let checked): submitted = checked
        case .failure(let refusal): return refusal.response
        }
        let page = submitted.page
        let tenant = submitted.tenant
        let now = Date()
        let ticket = submitted["ticket"]
        let transaction = submitted["state"]
        func refuse(_ key: String, _ reason: String, status: HTTPResponse.Status) async -> Response {
            context.logger.notice("hook form refused: \(reason)")
            return await page.page(.error, values: ["message": page.text(key)], status: status)
        }
        guard (1...128).contains(ticket.utf8.count),
              let paused = try await services.storage.pausedLogin(tenantID: tenant.id, digest: SecretDigest(of: ticket).hex, now: now)
        else { return await refuse("error_form_expired", "unknown, expired or used ticket", status: .gone) }
        let (session, user) = try await page.currentSession(now: now)
        let parameters = OAuthParameters(formEncoded: transaction)
        guard let session, let user, session.digest == paused.sessionDigest, user.id == paused.userID,
              SecretDigest(of: transaction).hex == paused.requestDigest,
              case .success(let authorization) = AuthorizationRequest.parse(parameters, tenant: tenant),
              authorization.client.id == paused.clientID
        else { return await refuse("error_form_mismatch", "another session, user or authorization request", status: .badRequest) }
        func end(_ description: String) -> Response {
            respond(.error(OAuthError(.accessDenied, description), redirectURI: authorization.redirectURI,
                           state: authorization.state, mode: authorization.responseMode, issuer: tenant.issuer.text), page: page)
        }
        guard let form = tenant.config.forms.first(where: { $0.name.value == paused.form }) else {
            _ = try await services.storage.consumePausedLogin(tenantID: tenant.id, digest: paused.digest, now: now)
            context.logger.error("hook form \(paused.form) is no longer configured; the login ends")
            return end("the form is no longer available")
        }
        if submitted["decision"] == "decline" {
            _ = try await services.storage.consumePausedLogin(tenantID: tenant.id, digest: paused.digest, now: now)
            context.logger.info("hook form declined; the login ends", metadata: ["form": .string(form.name.value)])
            return end("the user declined the form")
        }
        let submission = FormSubmission(form: form, fields: submitted.fields)
        guard submission.isValid else {
            var values = Self.formValues(form, page: page, transaction: transaction, ticket: ticket, raw: submitted.fields,
                                         problems: submission.problems)
            values["error"] = page.text("form_fix_errors")
            return await page.page(.hookForm, values: values, status: .badRequest)
        }
        guard let taken = try await services.storage.consumePausedLogin(tenantID: tenant.id, digest: paused.digest, now: now) else {
            return await refuse("error_form_expired", "the ticket was taken by a concurrent submission", status: .gone)
        }
        context.logger.info("hook form submitted; the login continues", metadata: ["form": .string(form.name.value)])
        return try await authorize(parameters, request: request, context: context, consentGiven: true,
                                   resume: HookFormResume(hook: taken.hook, form: taken.form, values: submission.values,
                                                          state: taken.stateJSON))
    }

    /// The template's view of a form: every key of every field set, so a field never picks up a
    /// value of the page around it (Mustache looks names up through enclosing contexts).
    static func formValues(_ form: FormConfig, page: HostedPageRequest, transaction: String, ticket: String,
                           raw: [String: String], problems: [String: FormSubmission.Problem]) -> [String: Any] {
        let locale = page.locale
        let fields = form.fields.map { field -> [String: Any] in
            let value = raw[field.name] ?? ""
            let problem = problems[field.name].map { page.text($0.messageKey, $0.arguments) }
            let isInput = field.type != .checkbox && field.type != .select && field.type != .textarea
            return [
                "name": field.name, "label": field.label.text(for: locale), "hint": field.hint?.text(for: locale) ?? false,
                "required": field.required, "error": problem ?? false, "value": value,
                "checkbox": field.type == .checkbox, "checked": FormSubmission.isTicked(value),
                "select": field.type == .select, "textarea": field.type == .textarea,
                "input": isInput ? field.type.rawValue : false, "max_length": field.type.isText ? String(field.maxLength) : false,
                "options": field.options.map { option -> [String: Any] in
                    ["value": option.value, "label": option.label.text(for: locale), "selected": option.value == value]
                },
            ]
        }
        return [
            "action": page.tenant.pathPrefix + "/authorize/form", "transaction": transaction, "ticket": ticket,
            "form": [
                "title": form.title.text(for: locale), "description": form.description?.text(for: locale) ?? false,
                "submit": form.submitLabel?.text(for: locale) ?? page.text("form_submit"), "fields": fields,
            ] as [String: Any],
        ]
    }
}
