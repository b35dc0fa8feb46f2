import PortcullisCore

/// What the resolver answers, as a value; the HTTP layer turns it into a status and headers.
public enum ResolverDecision: Sendable, Hashable {
    /// 200 with identity headers.
    case allow(ForwardAuthIdentity)
    /// 200 without identity (policy `bypass`).
    case bypass
    /// No usable identity: 401 (or 302 for proxies that pass the answer to the browser) to the login.
    case unauthenticated
    /// Known or not, this subject may not pass: 403.
    case forbidden
    /// Informational mode: always 200; the identity when the session is valid.
    case informational(ForwardAuthIdentity?)
}

/// The pure decision step: a matched rule (or the default policy) and the identity, if any.
public enum AccessDecision {
    public static func decide(rule: AccessRule?, defaultPolicy: AccessRule.Policy, identity: ForwardAuthIdentity?)
        -> ResolverDecision
    {
        if rule?.mode == .informational { return .informational(identity) }
        guard let rule else { return enforce(policy: defaultPolicy, identity: identity) }
        var subject = identity
        if let organization = rule.organization, let identity {
            // The subject must be in the organization: a token naming it, or a session user who
            // belongs to it, who is then judged (and described) with the roles they hold there.
            guard let acting = identity.acting(in: organization) else {
                return rule.policy == .bypass ? .bypass : .forbidden
            }
            subject = acting
        }
        return enforce(policy: rule.policy, identity: subject, roles: (rule.anyOfRoles, rule.allOfRoles))
    }

    static func enforce(policy: AccessRule.Policy, identity: ForwardAuthIdentity?,
                        roles: (anyOf: [String], allOf: [String]) = ([], [])) -> ResolverDecision {
        switch policy {
        case .bypass: return .bypass
        case .deny: return .forbidden
        case .authenticated, .twoFactor, .roles: break
        }
        guard let identity else { return .unauthenticated }
        switch policy {
        case .twoFactor:
            // Portcullis cannot yet step a session up to a second factor, so a password-only session
            // is refused rather than sent round the login again.
            return identity.hasSecondFactor ? .allow(identity) : .forbidden
        case .roles:
            let held = identity.roles
            let anyOK = roles.anyOf.isEmpty || roles.anyOf.contains { held.contains($0) }
            let allOK = roles.allOf.allSatisfy { held.contains($0) }
            return anyOK && allOK ? .allow(identity) : .forbidden
        default:
            return .allow(identity)
        }
    }
}

extension AccessRule.Policy {
    /// The default policy expressed as a rule policy.
    public init(_ policy: PortcullisCore.ForwardAuthSettings.DefaultPolicy) {
        switch policy {
        case .deny: self = .deny
        case .authenticated: self = .authenticated
        case .bypass: self = .bypass
        }
    }
}
