import Foundation
import PortcullisCore

/// What a hook answered (docs/hooks.md): `{"action": "allow" | "deny" | "form", "message", "messages":
/// {locale: text}, "form", "id_token_claims", "access_token_claims", "app_metadata", "user_metadata"}`;
/// an empty 2xx answer allows and changes nothing.
public struct HookAnswer: Sendable, Equatable {
    public var deny: HookDenial?
    public var idTokenClaims: [String: JSONValue] = [:]
    public var accessTokenClaims: [String: JSONValue] = [:]
    public var appMetadata: [String: JSONValue]?
    public var userMetadata: [String: JSONValue]?
    /// The form to show before the login completes (`"action": "form"`); its other changes apply too.
    public var form: String?

    public init() {}

    /// Parses an answer; a malformed one is a hook failure (`reason`), handled by `on_failure`.
    static func parse(_ body: [UInt8]) -> Result<HookAnswer, HookFailure> {
        var answer = HookAnswer()
        guard !body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) else { return .success(answer) }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body)), case .object(let object) = json else {
            return .failure(HookFailure("the answer is not a JSON object"))
        }
        let known: Set<String> = ["action", "message", "messages", "form", "id_token_claims", "access_token_claims",
                                  "app_metadata", "user_metadata"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(HookFailure("the answer has an unknown key \"\(unknown.prefix(64))\""))
        }
        switch object["action"] {
        case nil, .string("allow"):
            if object["form"] != nil { return .failure(HookFailure("form is given only with \"action\": \"form\"")) }
        case .string("form"):
            guard case .string(let name) = object["form"], !name.isEmpty else {
                return .failure(HookFailure("\"action\": \"form\" needs \"form\": the name of a configured form"))
            }
            answer.form = String(name.prefix(128))
        case .string("deny"):
            var denial = HookDenial(message: nil, messages: [:])
            if case .string(let text) = object["message"] { denial.message = String(text.prefix(500)) }
            if case .object(let localized) = object["messages"] {
                for (locale, value) in localized { if case .string(let text) = value { denial.messages[locale] = String(text.prefix(500)) } }
            }
            answer.deny = denial
            return .success(answer)
        default:
            return .failure(HookFailure("action must be \"allow\", \"deny\" or \"form\""))
        }
        for (key, target) in [("id_token_claims", \HookAnswer.idTokenClaims), ("access_token_claims", \HookAnswer.accessTokenClaims)] {
            guard let value = object[key] else { continue }
            guard case .object(let claims) = value else { return .failure(HookFailure("\(key) must be an object")) }
            answer[keyPath: target] = claims
        }
        for (key, target) in [("app_metadata", \HookAnswer.appMetadata), ("user_metadata", \HookAnswer.userMetadata)] {
            guard let value = object[key] else { continue }
            guard case .object(let metadata) = value else { return .failure(HookFailure("\(key) must be an object")) }
            answer[keyPath: target] = metadata
        }
        return .success(answer)
    }
}

/// Why a hook could not be used: no answer, a non-2xx status, a malformed answer.
public struct HookFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
