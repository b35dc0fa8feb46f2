import PortcullisCore

/// One access rule compiled for matching: host patterns parsed, regular expressions built, methods
/// and networks ready. Built once per configuration snapshot (see ``TenantAccessPolicy``).
public struct AccessRule: Sendable {
    public typealias Policy = AccessRuleConfig.Policy
    public typealias Mode = AccessRuleConfig.Mode

    public let name: String
    public let hosts: [HostPattern]
    public let paths: [PathPattern]
    public let methods: [String]
    public let networks: [IPNetwork]
    public let policy: Policy
    public let anyOfRoles: [String]
    public let allOfRoles: [String]
    /// The organization the subject must act in (Bearer `org_id`); see ``AccessDecision``.
    public let organization: String?
    public let mode: Mode

    public init(name: String, hosts: [HostPattern] = [], paths: [PathPattern] = [], methods: [String] = [],
                networks: [IPNetwork] = [], policy: Policy, anyOfRoles: [String] = [], allOfRoles: [String] = [],
                organization: String? = nil, mode: Mode = .enforce) {
        self.name = name
        self.hosts = hosts
        self.paths = paths
        self.methods = methods
        self.networks = networks
        self.policy = policy
        self.anyOfRoles = anyOfRoles
        self.allOfRoles = allOfRoles
        self.organization = organization
        self.mode = mode
    }

    public init(_ config: AccessRuleConfig) {
        self.init(name: config.name.value, hosts: config.hosts.map { HostPattern($0.value) },
                  paths: config.paths.compactMap(PathPattern.init), methods: config.methods.map(\.value),
                  networks: config.networks, policy: config.policy,
                  anyOfRoles: config.roles?.anyOf.map(\.value.value) ?? [],
                  allOfRoles: config.roles?.allOf.map(\.value.value) ?? [],
                  organization: config.organization, mode: config.mode)
    }

    /// Whether the request meets every condition the rule gives (an empty list is no condition).
    /// `client` is the client's address as bytes, `nil` when unknown: then a rule with networks
    /// does not match, so an unknown address never passes a network restriction.
    public func matches(_ request: OriginalRequest, client: [UInt8]?) -> Bool {
        if !hosts.isEmpty, !hosts.contains(where: { $0.matches(request.host) }) { return false }
        if !methods.isEmpty, !methods.contains(request.method) { return false }
        if !paths.isEmpty, !paths.contains(where: { $0.matches(request.path) }) { return false }
        if !networks.isEmpty {
            guard let client, networks.contains(where: { $0.contains(client) }) else { return false }
        }
        return true
    }

    /// Whether the rule needs to know who is asking: `bypass` and `deny` decide without it, unless
    /// the informational mode reports the session anyway.
    public var needsIdentity: Bool {
        mode == .informational || (policy != .bypass && policy != .deny)
    }
}

/// A tenant's access rules and forward-auth settings, compiled once per snapshot.
public struct TenantAccessPolicy: Sendable {
    public let rules: [AccessRule]
    public let defaultPolicy: ForwardAuthSettings.DefaultPolicy
    public let headerPrefix: String
    /// Whether any rule looks at the client's address; when none does, it is not worked out.
    public let usesNetworks: Bool

    public init(rules: [AccessRule], defaultPolicy: ForwardAuthSettings.DefaultPolicy = .deny,
                headerPrefix: String = "X-Portcullis-") {
        self.rules = rules
        self.defaultPolicy = defaultPolicy
        self.headerPrefix = headerPrefix
        self.usesNetworks = rules.contains { !$0.networks.isEmpty }
    }

    public init(_ tenant: TenantConfig) {
        self.init(rules: tenant.accessRules.map(AccessRule.init), defaultPolicy: tenant.forwardAuth.defaultPolicy,
                  headerPrefix: tenant.forwardAuth.headerPrefix)
    }

    /// The first rule that matches, or `nil` when the default policy decides.
    public func rule(for request: OriginalRequest, client: [UInt8]?) -> AccessRule? {
        rules.first { $0.matches(request, client: client) }
    }
}
