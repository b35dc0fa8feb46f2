import Foundation

/// Settings of the forward-auth resolver (nginx `auth_request`).
public struct ForwardAuthSettings: ConfigObject, Hashable {
    public static let definitionName = "ForwardAuth"
    public static let summary = "Forward-auth resolver settings."

    public enum DefaultPolicy: String, ConfigEnum, ConfigDefault, Sendable {
        case deny, authenticated, bypass
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var defaultPolicy: DefaultPolicy = .deny
    public var headerPrefix = "X-Portcullis-"
    public var allowedReturnHosts: [String] = []
    public var identityToken = IdentityTokenSettings()
    public var source: SourceMap?

    public init() {}

    public init(reading r: ObjectReader) {
        defaultPolicy = r.value("default_policy", default: .deny, "Decision when no access rule matches.")
        headerPrefix = r.value("header_prefix", default: "X-Portcullis-", "Prefix of the identity headers sent to the upstream.")
        allowedReturnHosts = r.list("allowed_return_hosts",
                                    "Hosts the login page may send users back to (`rd`), besides those named in access rules.")
        identityToken = r.optional("identity_token",
                                   "A short-lived signed JWT of the identity for the upstream, in the `Identity-Token` header.")
            ?? IdentityTokenSettings()
        source = r.source
        guard !r.isDescribing else { return }
        let tokenCharacters = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~").union(.alphanumerics)
        if headerPrefix.isEmpty || headerPrefix.unicodeScalars.contains(where: { !$0.isASCII || !tokenCharacters.contains($0) }) {
            r.report("header_prefix", "must be a valid HTTP header name prefix such as X-Portcullis-")
        }
    }
}

/// The signed identity token the resolver adds to allowed answers (header `<header_prefix>Identity-Token`).
public struct IdentityTokenSettings: ConfigObject, Hashable {
    public static let definitionName = "IdentityToken"
    public static let summary = "A signed JWT of the identity for the upstream; see docs/nginx.md."

    public static let lifetimeRange: ClosedRange<Duration> = .seconds(10) ... .seconds(600)

    public var enabled = false
    public var lifetime: Duration = .seconds(60)
    public var source: SourceMap?

    public init() {}

    public init(reading r: ObjectReader) {
        enabled = r.value("enabled", default: false,
                          "Add the `Identity-Token` header, signed with the tenant's active key, to allowed answers.")
        lifetime = r.value("lifetime", default: .seconds(60),
                           "How long a token is valid (`exp` - `iat`); between 10s and 10m. A token is reused until half of it is left.")
        source = r.source
        guard !r.isDescribing else { return }
        if !Self.lifetimeRange.contains(lifetime) {
            r.report("lifetime", "must be between 10s and 10m, found \(lifetime.configText)")
        }
    }
}

/// One forward-auth rule. A request matches when every condition given matches; the first matching
/// rule decides.
public struct AccessRuleConfig: ConfigObject, Hashable {
    public static let definitionName = "AccessRule"
    public static let summary = "A forward-auth access rule; all given conditions must match."

    public enum Policy: String, ConfigEnum, Sendable {
        case bypass, deny, authenticated, twoFactor = "two_factor", roles
    }
    public enum Mode: String, ConfigEnum, ConfigDefault, Sendable {
        /// 401/403 when not allowed.
        case enforce
        /// Always 200, with `Session-Valid: true|false`; the application decides.
        case informational
        public var defaultJSON: JSONValue { .string(rawValue) }
    }

    public var name: Identifier
    public var hosts: [Located<String>]
    public var paths: [PathMatcherConfig]
    public var methods: [Located<String>]
    public var networks: [IPNetwork]
    public var policy: Policy
    public var roles: RoleRequirement?
    public var organization: String?
    public var mode: Mode
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        name = r.required("name", "Rule name, shown by `portcullis access check` and in logs.") ?? ""
        hosts = r.list("hosts", "Hosts the rule applies to: exact (app.acme.test) or one wildcard label (*.acme.test). Empty: any host.")
        paths = r.list("paths", "Path conditions (any may match). Empty: any path.")
        methods = r.list("methods", "HTTP methods (any may match). Empty: any method.")
        networks = r.list("networks", "Client networks in CIDR notation (any may match). Empty: any network.")
        policy = r.required("policy", "bypass, deny, authenticated, two_factor or roles.") ?? .deny
        roles = r.optional("roles", "Roles required by policy roles.")
        organization = r.optional("organization", "Organization ID or name the subject must be in: a session user who is a member, or a Bearer token whose org_id names it. The answer then carries that Org-Id and the roles held there.")
        mode = r.value("mode", default: .enforce, "enforce answers 401/403; informational always answers 200 with Session-Valid.")
        source = r.source
        guard !r.isDescribing else { return }
        if policy == .roles, roles == nil { r.report("policy", "policy roles needs a `roles` condition (any_of or all_of)") }
        if policy != .roles, r.has("roles") { r.report("roles", "is only used with policy roles") }
        let knownMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"]
        for method in methods where !knownMethods.contains(method.value) {
            r.context.report(method.location, "must be an upper-case HTTP method (\(knownMethods.joined(separator: ", ")))")
        }
        for host in hosts where !AccessRuleConfig.isValidHostPattern(host.value) {
            r.context.report(host.location, "must be a host name, optionally starting with \"*.\"")
        }
    }

    static func isValidHostPattern(_ text: String) -> Bool {
        let bare = text.hasPrefix("*.") ? String(text.dropFirst(2)) : text
        guard !bare.isEmpty, bare.count <= 253 else { return false }
        return bare.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        } || IPNetwork.parseAddress(bare) != nil || bare.contains(":")
    }
}

/// Exactly one of prefix, glob or regex.
public struct PathMatcherConfig: ConfigObject, Hashable {
    public static let definitionName = "PathMatcher"
    public static let summary = "A path condition: exactly one of prefix, glob or regex."

    public var prefix: String?
    public var glob: String?
    public var regex: String?
    public var source: SourceMap

    public init(reading r: ObjectReader) {
        prefix = r.optional("prefix", "Path prefix, e.g. /admin/.")
        glob = r.optional("glob", "Shell-style pattern: * within a segment, ** across segments, e.g. /api/*/public/**.")
        regex = r.optional("regex", "Regular expression matched against the whole path.")
        source = r.source
        guard !r.isDescribing else { return }
        let given = [prefix, glob, regex].compactMap { $0 }
        if given.count != 1 { r.report(nil, "give exactly one of prefix, glob or regex") }
        for (key, value) in [("prefix", prefix), ("glob", glob)] {
            if let value, !value.hasPrefix("/") { r.report(key, "must start with /") }
        }
        if let regex, (try? NSRegularExpression(pattern: regex)) == nil {
            r.report("regex", "is not a valid regular expression")
        }
    }
}

public struct RoleRequirement: ConfigObject, Hashable {
    public static let definitionName = "RoleRequirement"
    public static let summary = "Roles a user must hold: any_of and/or all_of."

    public var anyOf: [Located<Identifier>]
    public var allOf: [Located<Identifier>]

    public init(reading r: ObjectReader) {
        anyOf = r.list("any_of", "The user must hold at least one of these roles.")
        allOf = r.list("all_of", "The user must hold all of these roles.")
        if !r.isDescribing, anyOf.isEmpty, allOf.isEmpty { r.report(nil, "name at least one role in any_of or all_of") }
    }
}
